// Open MPI for `swift build --traits MPI`. MPI's handles are macros or
// pointers to globals that do not import into Swift: wrapped here.
#include <mpi.h>

static inline MPI_Comm gilbert_mpi_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype gilbert_mpi_char(void) { return MPI_CHAR; }
static inline int gilbert_mpi_any_source(void) { return MPI_ANY_SOURCE; }
static inline int gilbert_mpi_any_tag(void) { return MPI_ANY_TAG; }

/// Receives a message of any length (probed first) from `source` with any tag;
/// returns its length in bytes, or −1; the sender and the tag are set.
static inline int gilbert_mpi_probe(int source, int *sender, int *tag) {
  MPI_Status status;
  if (MPI_Probe(source, MPI_ANY_TAG, MPI_COMM_WORLD, &status) != MPI_SUCCESS) return -1;
  int count = 0;
  MPI_Get_count(&status, MPI_CHAR, &count);
  *sender = status.MPI_SOURCE;
  *tag = status.MPI_TAG;
  return count;
}

static inline int gilbert_mpi_recv(char *buffer, int count, int sender, int tag) {
  return MPI_Recv(buffer, count, MPI_CHAR, sender, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

static inline int gilbert_mpi_send(const char *buffer, int count, int destination, int tag) {
  return MPI_Send(buffer, count, MPI_CHAR, destination, tag, MPI_COMM_WORLD);
}
