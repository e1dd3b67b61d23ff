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

void FaultyFileSystem::write_atomic(const HostPath& path, std::string_view content,
                                    const FilePolicy& policy) {
  count(path.str());
  real().write_atomic(path, content, policy);
}

void FaultyFileSystem::change_mode(const HostPath& path, mode_t mode) {
  count(path.str());
  real().change_mode(path, mode);
}

void FaultyFileSystem::change_owner(const HostPath& path, std::optional<uid_t> uid,
                                    std::optional<gid_t> gid) {
  count(path.str());
  real().change_owner(path, uid, gid);
}

void FaultyFileSystem::remove_stale_temp_file(const HostPath& path, const std::string& temp_name) {
  count(parent_path(path.str()) + "/" + temp_name);
  real().remove_stale_temp_file(path, temp_name);
}

}  // namespace mosq::test
