// FFTW3 (double precision) for Swift. FFTW's planner flags are macros of
// plain integers, which Swift imports; the shim only includes the header.
#ifndef GILBERT_CFFTW3_SHIM_H
#define GILBERT_CFFTW3_SHIM_H
#include <fftw3.h>
#endif
