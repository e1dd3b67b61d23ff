// The real filesystem with injected faults: the Nth write (counting
// write_atomic, change_mode and change_owner) fails as a full disk would.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "util/file_system.h"

namespace mosq::test {

class FaultyFileSystem : public FileSystem {
 public:
  // fail_at: 1-based index of the write that fails; 0 never fails.
  explicit FaultyFileSystem(int fail_at = 0) : m_fail_at(fail_at) {}

  // Run before every read / write, to stage races (another process
  // editing a file between observe and apply).
  std::function<void(const std::string& path)> before_read;
  std::function<void(const std::string& path)> before_write;

  int writes() const { return m_writes; }
  const std::vector<std::string>& written() const { return m_written; }

  FileInfo stat(const std::string& path) const override { return real().stat(path); }
  ReadResult read(const std::string& path) const override {
    if (before_read) before_read(path);
    return real().read(path);
  }
  void write_atomic(const std::string& path, std::string_view content,
                    const FilePolicy& policy) override;
  void create_directories(const std::string& path, mode_t mode) override {
    real().create_directories(path, mode);
  }
  void change_mode(const std::string& path, mode_t mode) override;
  void change_owner(const std::string& path, std::optional<uid_t> uid,
                    std::optional<gid_t> gid) override;
  std::unique_ptr<FileLock> lock(const std::string& path, std::chrono::milliseconds timeout) override {
    return real().lock(path, timeout);
  }

 private:
  static FileSystem& real() { return real_file_system(); }
  void count(const std::string& path);

  int m_fail_at;
  int m_writes = 0;
  std::vector<std::string> m_written;
};

}  // namespace mosq::test
