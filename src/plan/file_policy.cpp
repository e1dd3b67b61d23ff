#include "plan/file_policy.h"

#include <cstdio>

namespace mosq::plan {

std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

FilePolicy policy_for(ResourceKind kind, const observe::Ownership& ownership) {
  FilePolicy policy;
  const bool broker_reads = kind == ResourceKind::password_file || kind == ResourceKind::server_key ||
                            kind == ResourceKind::acl_file;
  switch (kind) {
    case ResourceKind::password_file:
    case ResourceKind::acl_file:
    case ResourceKind::server_key:
      policy.mode = ownership.gid ? 0640 : 0600;
      break;
    case ResourceKind::ca_key:
    case ResourceKind::client_key:
      policy.mode = 0600;
      break;
    case ResourceKind::ca_certificate:
    case ResourceKind::server_certificate:
    case ResourceKind::client_certificate:
    case ResourceKind::broker_config:
      policy.mode = 0644;
      break;
  }
  if (broker_reads && ownership.can_chown) {
    policy.uid = ownership.uid;
    policy.gid = ownership.gid;
  }
  return policy;
}

std::vector<std::string> metadata_drift(const observe::ObservedFile& file, const FilePolicy& policy,
                                        const observe::Ownership& ownership) {
  std::vector<std::string> reasons;
  if (!file.exists()) return reasons;
  if (file.info.mode != policy.mode) {
    reasons.push_back("mode " + octal_mode(file.info.mode) + " -> " + octal_mode(policy.mode));
  }
  if (policy.uid && file.info.uid != *policy.uid) {
    reasons.push_back("owner uid " + std::to_string(file.info.uid) + " -> " +
                      ownership.owner_name.value_or(std::to_string(*policy.uid)));
  }
  if (policy.gid && file.info.gid != *policy.gid) {
    reasons.push_back("group gid " + std::to_string(file.info.gid) + " -> " +
                      ownership.group_name.value_or(std::to_string(*policy.gid)));
  }
  return reasons;
}

void settle(Change& change, Action content_action, const observe::ObservedFile& file,
            const observe::Ownership& ownership) {
  change.path = file.path;
  change.observed_digest = file.digest;
  change.policy = policy_for(change.kind(), ownership);
  change.content_changes = !change.reasons.empty();
  if (change.content_changes) {
    change.action = content_action;
    return;
  }
  change.reasons = metadata_drift(file, change.policy, ownership);
  change.action = change.reasons.empty() ? Action::no_op : Action::update;
}

}  // namespace mosq::plan
