#include "apply/state_file.h"

#include "crypto/key_type.h"
#include "observe/key_file.h"
#include "observe/read_limits.h"
#include "util/error.h"

namespace mosq::apply {

void update_tool_state(FileSystem& fs, const Root& root,
                       const std::function<void(observe::ToolState&)>& change) {
  const HostPath path = root.state_file();
  ReadResult current = fs.read(path, observe::k_max_state_bytes, LastLink::not_followed);
  if (current.status != ReadStatus::ok && current.status != ReadStatus::missing) {
    throw Error(path.str() + ": cannot read the state file: " + current.error);
  }
  observe::ToolState state = current.status == ReadStatus::ok
                                 ? observe::parse_tool_state(current.content)
                                 : observe::ToolState{};
  change(state);
  if (current.status == ReadStatus::missing && state.empty()) return;  // nothing to keep
  const std::string text = observe::render_tool_state(state);
  if (current.status == ReadStatus::ok && current.content == text) return;
  fs.create_directories(path.sibling(parent_path(path.inside())), 0755);
  fs.write_atomic(path, text, FilePolicy{0644, std::nullopt, std::nullopt});
}

void record_verified_ca_key(const spec::Spec& spec, const observe::ResolvedSecrets& secrets,
                            FileSystem& fs, const Root& root, std::int64_t now) {
  if (!spec.tls || !spec.tls->ca.managed || !spec.tls->ca.passphrase_env) return;
  if (!secrets.ca_passphrase || !secrets.ca_key) return;
  if (secrets.ca_key->origin != observe::CaKeyOrigin::file) return;
  // The key as it is on disk now: what observe opened, unless this run
  // wrote it anew (then opened again, with the same passphrase).
  observe::ObservedKey key = secrets.ca_key->loaded.observed;
  const observe::ObservedKey on_disk =
      observe::observe_key(fs, root, secrets.ca_key->name, nullptr).observed;
  if (on_disk.file.digest != key.file.digest || key.status != crypto::KeyLoadStatus::ok) {
    key = observe::observe_key(fs, root, secrets.ca_key->name, &*secrets.ca_passphrase).observed;
  }
  if (key.status != crypto::KeyLoadStatus::ok || !key.encrypted || !key.type) return;
  observe::VerifiedCaKey record;
  record.path = secrets.ca_key->name;
  record.file_sha256 = key.file.digest;
  record.public_key_sha256 = key.fingerprint;
  record.key_type = std::string(crypto::key_type_name(*key.type));
  update_tool_state(fs, root, [&](observe::ToolState& state) {
    const auto& old = state.verified_ca_key;
    // Unchanged facts keep their first date: a no-op run writes nothing.
    record.verified_at = old && old->path == record.path && old->file_sha256 == record.file_sha256 &&
                                 old->public_key_sha256 == record.public_key_sha256
                             ? old->verified_at
                             : now;
    state.verified_ca_key = record;
  });
}

}  // namespace mosq::apply
