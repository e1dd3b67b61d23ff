// The plan: a closed set of actions on a fixed set of resources. Reasons
// exist to explain the plan to people and never steer apply.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "broker/acl_file.h"
#include "spec/spec_error.h"
#include "util/file_system.h"

namespace mosq::plan {

enum class Action { no_op, create, update, replace, remove };

enum class ResourceKind {
  ca_key,
  ca_certificate,
  server_key,
  server_certificate,
  client_key,
  client_certificate,
  password_file,
  broker_config,
  acl_file,
};

// What the running broker must do to see a change.
enum class BrokerEffect { none, reload, restart };

// Where a change applies: its kind, and for a client's key or certificate
// the client it belongs to. Apply finds a resource by this, never by the
// change's display name.
struct Address {
  ResourceKind kind = ResourceKind::password_file;
  std::string client;  // client_key / client_certificate only

  bool operator==(const Address& other) const { return kind == other.kind && client == other.client; }
};

// "ca_certificate", "client_certificate[sensor-7]": for people and JSON.
std::string display_name(const Address& address);

// One entry-level edit inside a line-oriented file the broker reads: a
// user's password line, or one ACL rule. The password file and the ACL
// file are planned, shown and counted with the same edits.
struct LineChange {
  // repair: a malformed line that no spec entry owns, dropped.
  enum class Kind { add, update, remove, repair };
  Kind kind = Kind::add;
  std::string user;    // the line's user; empty for a malformed line without one,
                       // and for ACL rules of anonymous clients and patterns
  std::string reason;  // "password changed", "state: absent", "line 4: no ':' separator"
  int line = 0;        // line number in the current file, 0 for additions
  // ACL file only: the rule added or removed (its scope, access, topic).
  std::optional<broker::AclRule> rule;
};
using UserChange = LineChange;

// A certificate as it is (before) or will be (after), for plans and JSON.
struct CertificateSummary {
  std::string subject;
  std::vector<std::string> subject_alt_names;
  std::optional<std::int64_t> not_after;  // unix seconds
  std::string serial;
  std::string key;  // "EC P-256"
};

// Per-kind details, one alternative per kind of file. Renderers and apply
// visit them exhaustively: a new kind is a compile error wherever it is
// not yet handled.
struct KeyDetails {  // ca_key, server_key, client_key
  std::string key_type;           // the key type to generate, "EC P-256"
  bool key_type_default = false;  // the spec gave no key_type: the default applies
  bool breaks_trust = false;      // a new CA key: clients stop trusting the CA
};

struct CertificateDetails {  // ca_certificate, server_certificate, client_certificate
  std::optional<CertificateSummary> before;
  std::optional<CertificateSummary> after;
  std::optional<std::int64_t> days_left;  // as of --now, for monitoring
  bool breaks_trust = false;              // the CA stops being the one clients trust
  // false: a given CA certificate (tls.ca.managed: false), observed and
  // shown, never changed
  bool managed = true;
};

struct PasswordFileDetails {
  std::vector<LineChange> users;
};

struct ConfigDetails {  // broker_config
  std::string desired_content;  // the full desired text
  std::optional<std::string> current_content;  // for --diff; unset when the file is missing
};

struct AclFileDetails {
  std::vector<LineChange> rules;  // rule by rule, grouped by user in file order
  std::vector<broker::AclRule> desired_rules;  // what the file must grant
  std::string desired_content;    // their rendering
  std::optional<std::string> current_content;  // for --diff; unset when the file is missing
  // The file grants exactly the desired rules but is not the tool's
  // rendering (order, spacing, comments): rewritten for format only.
  bool format_only = false;
};

using Details =
    std::variant<KeyDetails, CertificateDetails, PasswordFileDetails, ConfigDetails, AclFileDetails>;

// Helper for std::visit with one lambda per alternative.
template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

struct Change {
  Address address;
  std::string path;  // as the broker sees it
  Action action = Action::no_op;
  std::vector<std::string> reasons;  // for people; never steer apply
  BrokerEffect effect = BrokerEffect::none;

  // The file's final mode/ownership; mode/owner drift alone is an update
  // with content_changes == false.
  FilePolicy policy;
  bool content_changes = false;
  // Digest of the file as observed; apply refuses to write over anything else.
  std::string observed_digest;

  Details details;

  ResourceKind kind() const { return address.kind; }
  std::string name() const { return display_name(address); }
  bool changes() const { return action != Action::no_op; }
  template <class D>
  const D& as() const { return std::get<D>(details); }
  template <class D>
  D& as() { return std::get<D>(details); }
};

// A new CA key, or a CA certificate under another key or subject.
bool breaks_trust(const Change& change);

struct Plan {
  std::vector<Change> changes;  // every managed resource, no-ops included, in apply order
  std::vector<std::string> warnings;
  bool reload_needed = false;
  std::vector<std::string> restart_reasons;  // this plan's changes that need a restart
  // An earlier apply asked for a restart that has not happened (raw
  // reasons as recorded, and when).
  std::vector<std::string> pending_restart_reasons;
  std::int64_t pending_restart_since = 0;
  // Temp files an interrupted run left (a key's or the hashes' copy):
  // apply removes them.
  std::vector<StaleTempFile> stale_temp_files;
  // Lines of the broker's hand-made config that collide with the managed
  // snippet (main_config_check.h): no plan with any is applied, or shown.
  std::vector<spec::Diagnostic> config_conflicts;

  bool has_changes() const;
  bool restart_required() const {
    return !restart_reasons.empty() || !pending_restart_reasons.empty();
  }
};

std::string_view action_name(Action action);       // "no-op", "create", ...
std::string_view resource_label(ResourceKind kind); // "password file", ...
// What the CA key signs: the CA's own certificate and those it issues.
bool is_signed_by_ca(ResourceKind kind);

}  // namespace mosq::plan
