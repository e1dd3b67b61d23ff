#include "plan/plan.h"

namespace mosq::plan {

bool Plan::has_changes() const {
  for (const auto& change : changes) {
    if (change.changes()) return true;
  }
  return !pending_restart_reasons.empty() || !stale_temp_files.empty();
}

std::string_view action_name(Action action) {
  switch (action) {
    case Action::no_op: return "no-op";
    case Action::create: return "create";
    case Action::update: return "update";
    case Action::replace: return "replace";
    case Action::remove: return "delete";
  }
  return "no-op";
}

std::string_view resource_label(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::ca_key: return "CA key";
    case ResourceKind::ca_certificate: return "CA certificate";
    case ResourceKind::server_key: return "server key";
    case ResourceKind::server_certificate: return "server certificate";
    case ResourceKind::client_key: return "client key";
    case ResourceKind::client_certificate: return "client certificate";
    case ResourceKind::password_file: return "password file";
    case ResourceKind::broker_config: return "broker config";
  }
  return "resource";
}

}  // namespace mosq::plan
