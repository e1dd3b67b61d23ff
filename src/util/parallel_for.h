// Runs a function over indices [0, count) on a small fixed pool of threads,
// for work whose items are independent and dear (PBKDF2 verifications).
// Results must be written by index (slot i belongs to call i), so they come
// out the same whatever the thread count and scheduling: the caller's order
// is the order of the output.
#pragma once

#include <cstddef>
#include <functional>

namespace mosq {

// Calls item(i) once for every i in [0, count), on `workers` threads (the
// calling thread is one of them; workers is clamped to 1..count). Threads
// take the next index from a shared counter. If calls throw, every index is
// still visited and the exception of the lowest throwing index is rethrown
// once all threads have joined, so an error surfaces deterministically.
// workers <= 1 runs everything on the calling thread, in order.
void parallel_for(std::size_t count, unsigned workers, const std::function<void(std::size_t)>& item);

// How many processors this process may run on: the CPUs in its affinity
// mask (sched_getaffinity; taskset and cgroup cpusets narrow it), at least 1.
unsigned allowed_cpu_count();

}  // namespace mosq
