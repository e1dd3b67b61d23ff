#include "plan/plan.h"

namespace mosq::plan {

bool Plan::has_changes() const {
  for (const auto& change : changes) {
    if (change.changes()) return true;
  }
  return !pending_restart_reasons.empty() || !stale_temp_files.empty();
}

std::string display_name(const Address& address) {
  switch (address.kind) {
    case ResourceKind::ca_key: return "ca_key";
    case ResourceKind::ca_certificate: return "ca_certificate";
    case ResourceKind::server_key: return "server_key";
    case ResourceKind::server_certificate: return "server_certificate";
    case ResourceKind::client_key: return "client_key[" + address.client + "]";
    case ResourceKind::client_certificate: return "client_certificate[" + address.client + "]";
    case ResourceKind::password_file: return "password_file";
    case ResourceKind::broker_config: return "broker_config";
    case ResourceKind::acl_file: return "acl_file";
  }
  return "resource";
}

bool breaks_trust(const Change& change) {
  return std::visit(Overloaded{[](const KeyDetails& d) { return d.breaks_trust; },
                               [](const CertificateDetails& d) { return d.breaks_trust; },
                               [](const PasswordFileDetails&) { return false; },
                               [](const ConfigDetails&) { return false; },
                               [](const AclFileDetails&) { return false; }},
                    change.details);
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

bool is_signed_by_ca(ResourceKind kind) {
  return kind == ResourceKind::ca_certificate || kind == ResourceKind::server_certificate ||
         kind == ResourceKind::client_certificate;
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
    case ResourceKind::acl_file: return "ACL file";
  }
  return "resource";
}

}  // namespace mosq::plan
