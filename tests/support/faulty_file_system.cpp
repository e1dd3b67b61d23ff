#include "support/faulty_file_system.h"

#include "util/error.h"

namespace mosq::test {

void FaultyFileSystem::count(const std::string& path) {
  if (before_write) before_write(path);
  ++m_writes;
  if (m_fail_at != 0 && m_writes == m_fail_at) {
    throw Error(path + ": write failed: No space left on device (injected)");
  }
  m_written.push_back(path);
}

void FaultyFileSystem::write_atomic(const std::string& path, std::string_view content,
                                    const FilePolicy& policy) {
  count(path);
  real().write_atomic(path, content, policy);
}

void FaultyFileSystem::change_mode(const std::string& path, mode_t mode) {
  count(path);
  real().change_mode(path, mode);
}

void FaultyFileSystem::change_owner(const std::string& path, std::optional<uid_t> uid,
                                    std::optional<gid_t> gid) {
  count(path);
  real().change_owner(path, uid, gid);
}

}  // namespace mosq::test
