#!/usr/bin/env bash
# The full fault-injection sweep (Documentation/Reliability.md, issue 27):
# every write, reservation and truncate of a 31-frame run made to fail, with
# ENOSPC, EIO and EFBIG, with and without SWMR (CI runs every 37th write).
# Needs root's tmpfs? No: the faults are injected by Gilbert's HDF5 driver
# (GILBERT_FAULT_INJECT); python3-h5py for the h5py check. About 15 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
GILBERT_FAULT_SWEEP=full swift test -c release --disable-xctest --filter FaultInjectionTests 2>&1 | grep -E 'fault injection|✘|✔'
