// A directory under /tmp that is removed, with everything in it, when the
// test ends (pass or fail).
#pragma once

#include <string>

namespace mosq::test {

class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::string& path() const { return m_path; }
  std::string operator/(const std::string& relative) const;
  // write_file(*this / relative, content, mode); returns that path.
  std::string write(const std::string& relative, const std::string& content,
                    unsigned mode = 0644) const;

 private:
  std::string m_path;
};

// Small file helpers for tests (they throw on failure).
void write_file(const std::string& path, const std::string& content, unsigned mode = 0644);
std::string read_file(const std::string& path);
// A FIFO (named pipe) at path, its directory made first; REQUIREs success.
void make_fifo(const std::string& path);
bool file_exists(const std::string& path);
void make_dirs(const std::string& path);

}  // namespace mosq::test
