#include "render/json.h"

#include <algorithm>

#include "plan/file_policy.h"
#include "plan/pki_plan.h"

namespace mosq::render {
namespace {

std::string_view effect_name(plan::BrokerEffect effect) {
  switch (effect) {
    case plan::BrokerEffect::none: return "none";
    case plan::BrokerEffect::reload: return "reload";
    case plan::BrokerEffect::restart: return "restart";
  }
  return "none";
}

std::string_view user_action(plan::UserChange::Kind kind) {
  switch (kind) {
    case plan::UserChange::Kind::add: return "create";
    case plan::UserChange::Kind::update: return "update";
    case plan::UserChange::Kind::remove: return "delete";
    case plan::UserChange::Kind::repair: return "repair";
  }
  return "update";
}

nlohmann::json summary_json(const plan::CertificateSummary& s) {
  nlohmann::json j = {{"subject", s.subject}, {"subject_alt_names", s.subject_alt_names}};
  if (s.not_after) {
    j["not_after"] = plan::format_date(*s.not_after);
    j["not_after_unix"] = *s.not_after;
  }
  if (!s.serial.empty()) j["serial"] = s.serial;
  if (!s.key.empty()) j["key"] = s.key;
  return j;
}

std::string_view scope_name(broker::AclScope scope) {
  switch (scope) {
    case broker::AclScope::anonymous: return "anonymous";
    case broker::AclScope::pattern: return "pattern";
    case broker::AclScope::user: return "user";
  }
  return "user";
}

bool removes_entry(const std::vector<plan::LineChange>& edits) {
  return std::any_of(edits.begin(), edits.end(),
                     [](const plan::LineChange& e) { return e.kind == plan::LineChange::Kind::remove; });
}

// Terraform's action list, with "delete" added when a password file
// update removes a user or an ACL file update takes a rule away (a CI
// scan for deletions must see it).
nlohmann::json change_actions(const plan::Change& c) {
  nlohmann::json actions = json_actions(c.action);
  const bool removes =
      std::visit(plan::Overloaded{[](const plan::PasswordFileDetails& d) { return removes_entry(d.users); },
                                  [](const plan::AclFileDetails& d) { return removes_entry(d.rules); },
                                  [](const plan::KeyDetails&) { return false; },
                                  [](const plan::CertificateDetails&) { return false; },
                                  [](const plan::ConfigDetails&) { return false; }},
                 c.details);
  if (removes && c.action == plan::Action::update) actions.push_back("delete");
  return actions;
}

nlohmann::json line_change_json(const plan::LineChange& u) {
  nlohmann::json entry = {{"action", std::string(user_action(u.kind))}, {"reason", u.reason}};
  if (u.rule) {
    entry["scope"] = std::string(scope_name(u.rule->scope));
    if (u.rule->scope == broker::AclScope::user) entry["user"] = u.rule->user;
    entry["access"] = std::string(spec::acl_access_name(u.rule->access));
    entry["topic"] = u.rule->topic;
  } else if (!u.user.empty()) {
    entry["user"] = u.user;
  }
  if (u.line > 0) entry["line"] = u.line;
  return entry;
}

nlohmann::json line_changes_json(const std::vector<plan::LineChange>& edits) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : edits) out.push_back(line_change_json(e));
  return out;
}

void add_details(const plan::Change& c, nlohmann::json& j) {
  std::visit(plan::Overloaded{
                 [&](const plan::PasswordFileDetails& d) { j["users"] = line_changes_json(d.users); },
                 [&](const plan::AclFileDetails& d) {
                   j["rules"] = line_changes_json(d.rules);
                   j["format_only"] = d.format_only;
                 },
                 [&](const plan::KeyDetails& d) {
                   j["key_type"] = d.key_type;
                   if (d.key_type_default) j["key_type_default"] = true;
                   if (d.breaks_trust) j["breaks_trust"] = true;
                 },
                 [&](const plan::CertificateDetails& d) {
                   if (d.before) j["before"] = summary_json(*d.before);
                   if (d.after && c.content_changes) j["after"] = summary_json(*d.after);
                   if (d.days_left) j["days_left"] = *d.days_left;
                   if (d.breaks_trust) j["breaks_trust"] = true;
                   if (!d.managed) j["managed"] = false;
                 },
                 [](const plan::ConfigDetails&) {}},
             c.details);
}

nlohmann::json change_json(const plan::Change& c) {
  nlohmann::json j = {
      {"resource", c.name()},
      {"type", std::string(plan::resource_label(c.kind()))},
      {"path", c.path},
      {"action", std::string(plan::action_name(c.action))},
      {"actions", change_actions(c)},
      {"reasons", c.reasons},
      {"content_changes", c.content_changes},
      {"broker_effect", std::string(effect_name(c.effect))},
      {"mode", plan::octal_mode(c.policy.mode)},
  };
  add_details(c, j);
  return j;
}

}  // namespace

nlohmann::json json_actions(plan::Action action) {
  switch (action) {
    case plan::Action::no_op: return {"no-op"};
    case plan::Action::create: return {"create"};
    case plan::Action::update: return {"update"};
    case plan::Action::replace: return {"delete", "create"};
    case plan::Action::remove: return {"delete"};
  }
  return {"no-op"};
}

nlohmann::json render_json_file_diffs(const std::vector<FileDiff>& diffs) {
  nlohmann::json out = nlohmann::json::array();
  for (const FileDiff& d : diffs) {
    out.push_back({{"path", d.path}, {"exists", d.exists}, {"before", d.before}, {"after", d.after}});
  }
  return out;
}

nlohmann::json render_json(const plan::Plan& plan) {
  nlohmann::json changes = nlohmann::json::array();
  nlohmann::json resources = nlohmann::json::array();
  nlohmann::json certificates = nlohmann::json::array();
  bool breaks_trust = false;
  nlohmann::json stale_temp_files = nlohmann::json::array();
  for (const StaleTempFile& stale : plan.stale_temp_files) stale_temp_files.push_back(stale.path);
  for (const auto& c : plan.changes) {
    auto j = change_json(c);
    if (c.changes()) changes.push_back(j);
    resources.push_back({{"resource", c.name()},
                         {"path", c.path},
                         {"action", std::string(plan::action_name(c.action))}});
    breaks_trust = breaks_trust || plan::breaks_trust(c);
    if (const auto* d = std::get_if<plan::CertificateDetails>(&c.details)) {
      nlohmann::json cert = {{"resource", c.name()},
                             {"path", c.path},
                             {"action", std::string(plan::action_name(c.action))}};
      // The certificate on disk; for one still to be made, what it will be.
      const auto& shown = d->before ? d->before : d->after;
      if (shown) {
        cert["subject"] = shown->subject;
        cert["subject_alt_names"] = shown->subject_alt_names;
        if (shown->not_after) cert["not_after"] = plan::format_date(*shown->not_after);
        if (!shown->serial.empty()) cert["serial"] = shown->serial;
      }
      cert["exists"] = d->before.has_value();
      cert["managed"] = d->managed;
      if (d->days_left) cert["days_left"] = *d->days_left;
      certificates.push_back(cert);
    }
  }
  return {
      {"format_version", k_json_format_version},
      {"changed", plan.has_changes()},
      {"changes", changes},
      {"resources", resources},
      {"certificates", certificates},
      {"breaks_trust", breaks_trust},
      {"warnings", plan.warnings},
      {"stale_temp_files", stale_temp_files},
      {"broker",
       {{"reload", plan.reload_needed},
        {"restart_required", plan.restart_required()},
        {"restart_reasons", plan.restart_reasons},
        {"restart_pending", plan.pending_restart_reasons}}},
  };
}

}  // namespace mosq::render
