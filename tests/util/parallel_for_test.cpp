// The verification pool: every index once, whatever the thread count; the
// lowest failing index's error, always; the affinity mask sizes it.
#include "util/parallel_for.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace mosq;

TEST_CASE("parallel_for calls every index exactly once, for any worker count", "[util][parallel]") {
  for (unsigned workers : {0u, 1u, 2u, 3u, 8u, 64u}) {
    for (std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{5}, std::size_t{1000}}) {
      INFO("workers " << workers << ", count " << count);
      std::vector<std::atomic<int>> calls(count);
      parallel_for(count, workers, [&](std::size_t i) { calls[i].fetch_add(1); });
      for (std::size_t i = 0; i < count; ++i) CHECK(calls[i].load() == 1);
    }
  }
}

TEST_CASE("parallel_for uses more than one thread when asked and there is work", "[util][parallel]") {
  std::mutex mutex;
  std::vector<std::thread::id> seen;
  parallel_for(64, 4, [&](std::size_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::lock_guard<std::mutex> lock(mutex);
    if (std::find(seen.begin(), seen.end(), std::this_thread::get_id()) == seen.end()) {
      seen.push_back(std::this_thread::get_id());
    }
  });
  CHECK(seen.size() > 1);
  CHECK(seen.size() <= 4);
  seen.clear();
  parallel_for(64, 1, [&](std::size_t) {
    std::lock_guard<std::mutex> lock(mutex);
    if (std::find(seen.begin(), seen.end(), std::this_thread::get_id()) == seen.end()) {
      seen.push_back(std::this_thread::get_id());
    }
  });
  REQUIRE(seen.size() == 1);
  CHECK(seen[0] == std::this_thread::get_id());
}

TEST_CASE("parallel_for rethrows the lowest failing index's error, after visiting every index",
          "[util][parallel]") {
  for (int round = 0; round < 20; ++round) {
    for (unsigned workers : {1u, 2u, 4u, 16u}) {
      INFO("workers " << workers);
      std::vector<std::atomic<int>> calls(200);
      try {
        parallel_for(200, workers, [&](std::size_t i) {
          calls[i].fetch_add(1);
          // Later indices fail first in time (no sleep), the earliest last.
          if (i == 150 || i == 199) throw std::runtime_error("item " + std::to_string(i));
          if (i == 37) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            throw std::runtime_error("item 37");
          }
        });
        FAIL("no exception");
      } catch (const std::runtime_error& error) {
        CHECK(std::string(error.what()) == "item 37");
      }
      for (auto& count : calls) CHECK(count.load() == 1);
    }
  }
}

TEST_CASE("allowed_cpu_count follows the affinity mask (as taskset sets it)", "[util][parallel]") {
  cpu_set_t all;
  REQUIRE(sched_getaffinity(0, sizeof all, &all) == 0);
  CHECK(allowed_cpu_count() == static_cast<unsigned>(CPU_COUNT(&all)));
  // Narrowed on a thread of its own (the mask is per thread), to the first
  // CPU this process may use.
  unsigned narrowed = 0;
  std::thread worker([&] {
    cpu_set_t one;
    CPU_ZERO(&one);
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (CPU_ISSET(cpu, &all)) {
        CPU_SET(cpu, &one);
        break;
      }
    }
    if (sched_setaffinity(0, sizeof one, &one) == 0) narrowed = allowed_cpu_count();
  });
  worker.join();
  CHECK(narrowed == 1);
}
