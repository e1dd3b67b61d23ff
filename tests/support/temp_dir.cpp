#include "support/temp_dir.h"

#include <sys/stat.h>

#include <boost/filesystem.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace mosq::test {

TempDir::TempDir() {
  std::string pattern = "/tmp/mosq-test-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  m_path = buf.data();
  // The broker's user must be able to enter it in broker tests.
  ::chmod(m_path.c_str(), 0755);
}

TempDir::~TempDir() {
  boost::system::error_code ec;
  boost::filesystem::remove_all(m_path, ec);
}

std::string TempDir::operator/(const std::string& relative) const {
  return m_path + "/" + relative;
}

std::string TempDir::write(const std::string& relative, const std::string& content,
                           unsigned mode) const {
  const std::string path = *this / relative;
  write_file(path, content, mode);
  return path;
}

void write_file(const std::string& path, const std::string& content, unsigned mode) {
  make_dirs(boost::filesystem::path(path).parent_path().string());
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path);
    out << content;
  }
  ::chmod(path.c_str(), mode);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

bool file_exists(const std::string& path) { return boost::filesystem::exists(path); }

void make_dirs(const std::string& path) {
  if (!path.empty()) boost::filesystem::create_directories(path);
}

void make_fifo(const std::string& path) {
  make_dirs(path.substr(0, path.find_last_of('/')));
  REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
}

}  // namespace mosq::test
