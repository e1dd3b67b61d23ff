#include "plan/planner.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "broker/config_render.h"
#include "plan/acl_file_plan.h"
#include "plan/acl_lint.h"
#include "plan/file_policy.h"
#include "plan/given_ca_plan.h"
#include "plan/main_config_check.h"
#include "plan/password_file_plan.h"
#include "plan/pki_plan.h"

namespace mosq::plan {
namespace {

// listener blocks of a config text by their "listener ..." line.
std::map<std::string, std::vector<std::string>> listener_blocks(const std::string& text) {
  std::map<std::string, std::vector<std::string>> blocks;
  std::istringstream in(broker::listener_section(text));
  std::string line;
  std::vector<std::string>* current = nullptr;
  while (std::getline(in, line)) {
    if (line.rfind("listener ", 0) == 0 || line.rfind("port ", 0) == 0) {
      current = &blocks[line];
    } else if (current != nullptr) {
      current->push_back(line);
    }
  }
  return blocks;
}

std::string option_key(const std::string& line) { return line.substr(0, line.find(' ')); }

// Why the listeners differ, one reason per listener: what needs a restart.
std::vector<std::string> listener_differences(const std::string& before, const std::string& after) {
  std::vector<std::string> reasons;
  auto old_blocks = listener_blocks(before);
  auto new_blocks = listener_blocks(after);
  for (const auto& [head, lines] : new_blocks) {
    auto it = old_blocks.find(head);
    if (it == old_blocks.end()) {
      reasons.push_back(head + " added");
      continue;
    }
    // Mosquitto reads a listener's options in any order: only a changed
    // set of lines is a change.
    auto sorted_old = it->second, sorted_new = lines;
    std::sort(sorted_old.begin(), sorted_old.end());
    std::sort(sorted_new.begin(), sorted_new.end());
    if (sorted_old == sorted_new) continue;
    std::map<std::string, std::string> was;
    for (const auto& l : it->second) was[option_key(l)] = l;
    std::string detail;
    std::map<std::string, bool> seen;
    for (const auto& l : lines) {
      auto key = option_key(l);
      seen[key] = true;
      auto w = was.find(key);
      if (w == was.end()) {
        detail += (detail.empty() ? "" : ", ") + ("+" + l);
      } else if (w->second != l) {
        detail += (detail.empty() ? "" : ", ") + w->second + " -> " + l.substr(std::min(l.size(), key.size() + 1));
      }
    }
    if (detail.empty()) detail = "options repeated or reordered";  // e.g. one line twice
    for (const auto& [key, l] : was) {
      if (!seen[key]) detail += (detail.empty() ? "" : ", ") + ("-" + l);
    }
    reasons.push_back(head + ": " + detail);
  }
  for (const auto& [head, lines] : old_blocks) {
    if (new_blocks.count(head) == 0) reasons.push_back(head + " removed");
  }
  return reasons;
}

Change plan_config(const spec::Spec& spec, const observe::Observed& observed,
                   std::vector<std::string>& restart_reasons) {
  Change change;
  change.address = {ResourceKind::broker_config, ""};
  ConfigDetails& details = change.details.emplace<ConfigDetails>();
  details.desired_content = broker::render_config(spec);
  change.effect = BrokerEffect::reload;
  const observe::ObservedConfig& config = observed.config;
  if (!config.file.exists()) {
    change.reasons.push_back("does not exist");
    // The running broker (if any) has none of these listeners yet.
    restart_reasons = listener_differences("", details.desired_content);
    if (!restart_reasons.empty()) change.effect = BrokerEffect::restart;
    settle(change, Action::create, config.file, observed.ownership);
    return change;
  }
  details.current_content = config.content;
  if (config.content != details.desired_content) {
    restart_reasons = listener_differences(config.content, details.desired_content);
    change.reasons.push_back(restart_reasons.empty()
                                 ? "content differs from the spec's rendering"
                                 : "listeners differ from the spec");
  }
  if (!restart_reasons.empty()) change.effect = BrokerEffect::restart;
  settle(change, Action::replace, config.file, observed.ownership);
  if (change.action == Action::replace && restart_reasons.empty()) change.action = Action::update;
  return change;
}

void add_warnings(const spec::Spec& spec, const observe::Observed& observed, Plan& plan) {
  for (const auto& w : observed.ownership.warnings) plan.warnings.push_back(w);
  for (const auto& u : observed.unreachable) {
    plan.warnings.push_back("the broker's user (" + observed.ownership.owner_name.value_or("?") +
                            ") cannot enter " + u.directory + ", so it cannot read " + u.file +
                            " (check the directory's mode and owner)");
  }
  for (const auto& l : spec.listeners) {
    if (l.tls && l.tls_version == spec::TlsVersion::tlsv1_1) {
      plan.warnings.push_back("listener " + std::to_string(l.port) +
                              ": tls_version tlsv1.1 accepts a deprecated protocol");
    }
  }
  for (const auto& change : plan.changes) {
    if (breaks_trust(change)) {
      plan.warnings.push_back("!! " + std::string(resource_label(change.kind())) + " " +
                              change.path +
                              " is REPLACED, not renewed: every client that trusts the current "
                              "CA certificate will refuse this broker until it gets the new one");
    }
  }
  if (!observed.ownership.can_chown && observed.ownership.uid) {
    for (const auto& change : plan.changes) {
      const observe::ObservedFile* file = nullptr;
      if (change.kind() == ResourceKind::password_file) {
        file = &observed.password_file.file;
      } else if (change.kind() == ResourceKind::acl_file && observed.acl_file) {
        file = &observed.acl_file->file;
      } else if (change.kind() == ResourceKind::server_key && observed.pki) {
        file = &observed.pki->server_key.file;
      }
      if (file && file->exists() && file->info.uid != *observed.ownership.uid) {
        plan.warnings.push_back(change.path + " is not owned by " +
                                *observed.ownership.owner_name +
                                " and this run is not root: the broker may not read it");
      }
    }
  }
}

}  // namespace

Plan make_plan(const spec::Spec& spec, const observe::Observed& observed, std::int64_t now) {
  Plan plan;
  plan.changes = plan_pki(spec, observed, now);
  plan.changes.push_back(plan_password_file(spec, observed));
  if (spec.broker.acl_file && observed.acl_file) plan.changes.push_back(plan_acl_file(spec, observed));
  std::vector<std::string> listener_reasons;
  plan.changes.push_back(plan_config(spec, observed, listener_reasons));
  add_warnings(spec, observed, plan);
  for (auto& warning : acl_warnings(spec)) plan.warnings.push_back(std::move(warning));
  for (auto& warning : given_ca_warnings(spec, observed, now)) {
    plan.warnings.push_back(std::move(warning));
  }
  if (auto warning = ca_key_missing_warning(observed, plan.changes)) {
    plan.warnings.push_back(std::move(*warning));
  }
  // The config is the last change planned.
  plan.config_conflicts = main_config_conflicts(spec, observed.main_config,
                                                plan.changes.back().as<ConfigDetails>().desired_content);
  if (auto warning = snippet_not_included_warning(spec, observed.main_config)) {
    plan.warnings.push_back(std::move(*warning));
  }

  // What the running broker must do. A broker known not to run needs
  // nothing: it reads everything when it starts.
  const bool known_stopped =
      observed.broker.pid_file_configured && (observed.broker.process.state == observe::BrokerState::no_pid_file ||
                                              observed.broker.process.state == observe::BrokerState::not_running);
  for (const Change& change : plan.changes) {
    if (!change.changes() || known_stopped) continue;
    if (change.effect == BrokerEffect::reload) plan.reload_needed = true;
    if (change.effect == BrokerEffect::restart) {
      if (change.kind() == ResourceKind::broker_config) {
        for (const auto& r : listener_reasons) plan.restart_reasons.push_back(r);
      } else {
        plan.restart_reasons.push_back(std::string(resource_label(change.kind())) +
                                       " changed (cafile is not re-read on SIGHUP)");
      }
    }
  }
  if (observed.broker.pending_restart) {
    plan.pending_restart_reasons = observed.broker.pending_restart->reasons;
    plan.pending_restart_since = observed.broker.pending_restart->since;
  }
  plan.stale_temp_files = observed.stale_temp_files;
  return plan;
}

}  // namespace mosq::plan
