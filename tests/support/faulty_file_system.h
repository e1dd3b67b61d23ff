// The real filesystem with injected faults: the Nth write (counting
// write_atomic, change_mode, change_owner and remove_stale_temp_file)
// fails as a full disk would.
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

  // Run before every read / write, with the path on this machine, to stage
  // races (another process editing a file between observe and apply).
  std::function<void(const std::string& path)> before_read;
  std::function<void(const std::string& path)> before_write;

  int writes() const { return m_writes; }
  const std::vector<std::string>& written() const { return m_written; }

  FileInfo stat(const HostPath& path, LastLink last) const override {
    return real().stat(path, last);
  }
  ReadResult read(const HostPath& path, std::size_t max_bytes, LastLink last) const override {
    if (before_read) before_read(path.str());
    return real().read(path, max_bytes, last);
  }
  void write_atomic(const HostPath& path, std::string_view content,
                    const FilePolicy& policy) override;
  void create_directories(const HostPath& path, mode_t mode) override {
    real().create_directories(path, mode);
  }
  void change_mode(const HostPath& path, mode_t mode) override;
  void change_owner(const HostPath& path, std::optional<uid_t> uid,
                    std::optional<gid_t> gid) override;
  std::unique_ptr<FileLock> lock(const HostPath& path, std::chrono::milliseconds timeout) override {
    return real().lock(path, timeout);
  }
  std::vector<std::string> list_directory(const HostPath& path) const override {
    return real().list_directory(path);
  }
  std::vector<std::vector<std::string>> stale_temp_files(const std::vector<HostPath>& paths) const override {
    return real().stale_temp_files(paths);
  }
  void remove_stale_temp_file(const HostPath& path, const std::string& temp_name) override;
  void hold_writes() override { real().hold_writes(); }
  void put_held_writes_in_place() override { real().put_held_writes_in_place(); }
  void commit_held_writes() override { real().commit_held_writes(); }

 private:
  static FileSystem& real() { return real_file_system(); }
  void count(const std::string& path);

  int m_fail_at;
  int m_writes = 0;
  std::vector<std::string> m_written;
};

}  // namespace mosq::test
