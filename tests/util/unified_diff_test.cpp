// The unified diff: Myers in linear space. Checked against an LCS on
// random texts (minimal edit count), by applying its hunks back, and on a
// 10,000-line file with one change.
#include "util/unified_diff.h"

#include <catch2/catch.hpp>

#include <random>
#include <sstream>
#include <string>
#include <vector>

using mosq::unified_diff;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Applies a unified diff to `before`; checks every context and removed
// line against it. Returns the result, or "<bad diff>".
std::string patch(const std::string& before, const std::string& diff) {
  const auto a = lines_of(before);
  const auto d = lines_of(diff);
  std::vector<std::string> out;
  std::size_t next = 0;  // next line of a to copy
  for (std::size_t i = 2; i < d.size(); ++i) {
    const std::string& line = d[i];
    if (line.rfind("@@ -", 0) == 0) {
      std::size_t start = std::stoul(line.substr(4));
      const std::size_t count = std::stoul(line.substr(line.find(',') + 1));
      if (count == 0) ++start;  // "-0,0": insert before line 1
      while (next + 1 < start) out.push_back(a.at(next++));
      continue;
    }
    const char op = line.at(0);
    const std::string text = line.substr(1);
    if (op == '+') {
      out.push_back(text);
    } else {
      if (next >= a.size() || a[next] != text) return "<bad diff>";
      if (op == ' ') out.push_back(text);
      ++next;
    }
  }
  while (next < a.size()) out.push_back(a[next++]);
  std::string result;
  for (const auto& l : out) result += l + "\n";
  return result;
}

std::size_t changed_lines(const std::string& diff) {
  std::size_t count = 0;
  const auto d = lines_of(diff);
  for (std::size_t i = 2; i < d.size(); ++i) count += d[i][0] == '+' || d[i][0] == '-';
  return count;
}

std::size_t lcs(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::vector<std::size_t>> t(a.size() + 1, std::vector<std::size_t>(b.size() + 1, 0));
  for (std::size_t i = a.size(); i-- > 0;) {
    for (std::size_t j = b.size(); j-- > 0;) {
      t[i][j] = a[i] == b[j] ? t[i + 1][j + 1] + 1 : std::max(t[i + 1][j], t[i][j + 1]);
    }
  }
  return t[0][0];
}

}  // namespace

TEST_CASE("unified diff: random texts round-trip with a minimal number of changed lines", "[util][diff]") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> length(0, 14), letter(0, 3);
  for (int round = 0; round < 3000; ++round) {
    std::string a, b;
    for (int i = length(rng); i > 0; --i) a += std::string(1, static_cast<char>('a' + letter(rng))) + "\n";
    for (int i = length(rng); i > 0; --i) b += std::string(1, static_cast<char>('a' + letter(rng))) + "\n";
    const std::string diff = unified_diff(a, b, "a", "b");
    INFO("a:\n" << a << "b:\n" << b << "diff:\n" << diff);
    if (a == b) {
      CHECK(diff.empty());
      continue;
    }
    REQUIRE(patch(a, diff) == b);
    const auto la = lines_of(a), lb = lines_of(b);
    CHECK(changed_lines(diff) == la.size() + lb.size() - 2 * lcs(la, lb));
  }
}

TEST_CASE("unified diff: one change in 10,000 lines is one small hunk", "[util][diff]") {
  std::string before, after;
  for (int i = 0; i < 10000; ++i) {
    before += "user" + std::to_string(i) + ":(sensitive value)\n";
    after += i == 5000 ? "user5000:(sensitive value, new)\n" : "user" + std::to_string(i) + ":(sensitive value)\n";
  }
  after += "sensor-7:(sensitive value, new)\n";
  const std::string diff = unified_diff(before, after, "old", "new");
  CHECK(diff ==
        "--- old\n+++ new\n"
        "@@ -4998,7 +4998,7 @@\n user4997:(sensitive value)\n user4998:(sensitive value)\n"
        " user4999:(sensitive value)\n-user5000:(sensitive value)\n+user5000:(sensitive value, new)\n"
        " user5001:(sensitive value)\n user5002:(sensitive value)\n user5003:(sensitive value)\n"
        "@@ -9998,3 +9998,4 @@\n user9997:(sensitive value)\n user9998:(sensitive value)\n"
        " user9999:(sensitive value)\n+sensor-7:(sensitive value, new)\n");
  CHECK(patch(before, diff) == after);
}
