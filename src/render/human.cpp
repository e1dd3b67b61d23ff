#include "render/human.h"

#include <algorithm>
#include <sstream>

#include "plan/pki_plan.h"

namespace mosq::render {
namespace {

struct Style {
  Color color;
  std::string paint(const std::string& code, const std::string& text) const {
    return color == Color::on ? "\033[" + code + "m" + text + "\033[0m" : text;
  }
};

std::string marker(plan::Action action) {
  switch (action) {
    case plan::Action::create: return "+";
    case plan::Action::update: return "~";
    case plan::Action::replace: return "-/+";
    case plan::Action::remove: return "-";
    case plan::Action::no_op: return " ";
  }
  return " ";
}

std::string marker_color(plan::Action action) {
  switch (action) {
    case plan::Action::create: return "32";
    case plan::Action::update: return "33";
    case plan::Action::replace: return "35";
    case plan::Action::remove: return "31";
    case plan::Action::no_op: return "0";
  }
  return "0";
}

char sign(plan::LineChange::Kind kind) {
  switch (kind) {
    case plan::LineChange::Kind::add: return '+';
    case plan::LineChange::Kind::update: return '~';
    case plan::LineChange::Kind::remove: return '-';
    case plan::LineChange::Kind::repair: return '!';
  }
  return '!';
}

void render_users(const plan::PasswordFileDetails& details, std::ostringstream& out) {
  for (const plan::UserChange& u : details.users) {
    switch (u.kind) {
      case plan::UserChange::Kind::add: out << "      + user " << u.user << "\n"; break;
      case plan::UserChange::Kind::update:
        out << "      ~ user " << u.user << ": " << u.reason << "\n";
        break;
      case plan::UserChange::Kind::remove:
        out << "      - user " << u.user << ": " << u.reason << "\n";
        break;
      case plan::UserChange::Kind::repair: out << "      ! " << u.reason << "\n"; break;
    }
  }
}

// One rule owner's changes: "sensor-7", "+ write sensors/7/#, - read x/#",
// and their reason when all share one ("state: absent").
struct AclGroup {
  std::string owner;
  std::string rules;
  std::string reason;
};

// Rule changes grouped by owner in the plan's order; repairs (lines the
// broker refuses) come back apart.
std::vector<AclGroup> acl_groups(const plan::AclFileDetails& details, std::vector<std::string>& repairs) {
  std::vector<AclGroup> groups;
  for (const plan::LineChange& change : details.rules) {
    if (!change.rule) {
      repairs.push_back(change.reason);
      continue;
    }
    const std::string owner = broker::rule_owner(*change.rule);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const AclGroup& g) { return g.owner == owner; });
    const std::string item = std::string(1, sign(change.kind)) + " " + broker::describe(*change.rule);
    if (it == groups.end()) {
      groups.push_back({owner, item, change.reason});
      continue;
    }
    it->rules += ", " + item;
    if (it->reason != change.reason) it->reason.clear();
  }
  return groups;
}

std::string acl_group_line(const AclGroup& group) {
  return "acl " + group.owner + (group.reason.empty() ? "" : " (" + group.reason + ")") + ": " + group.rules;
}

void render_acl(const plan::AclFileDetails& details, std::ostringstream& out) {
  std::vector<std::string> repairs;
  for (const AclGroup& group : acl_groups(details, repairs)) out << "      ~ " << acl_group_line(group) << "\n";
  for (const std::string& repair : repairs) out << "      ! " << repair << "\n";
}

void render_reasons(const plan::Change& change, std::ostringstream& out) {
  if (change.reasons.size() == 1) {
    out << ": " << change.reasons.front() << "\n";
  } else {
    out << "\n";
    for (const auto& r : change.reasons) out << "      " << r << "\n";
  }
}

void render_certificate(const plan::Change& change, const plan::CertificateDetails& details,
                        std::ostringstream& out) {
  render_reasons(change, out);
  if (!details.after || !change.content_changes) return;
  const plan::CertificateSummary& after = *details.after;
  out << "      new: " << after.subject;
  if (!after.subject_alt_names.empty()) {
    out << " [";
    for (size_t i = 0; i < after.subject_alt_names.size(); ++i) {
      out << (i ? ", " : "") << after.subject_alt_names[i];
    }
    out << "]";
  }
  if (after.not_after) out << ", valid until " << plan::format_date(*after.not_after);
  out << "\n";
}

// A file edited entry by entry (users, rules): one line each, then the
// mode/owner reasons when only those change; its reasons alone when it has
// no entry.
template <typename RenderEntries>
void render_entries(const plan::Change& change, bool no_entries, RenderEntries render, std::ostringstream& out) {
  if (no_entries) return render_reasons(change, out);
  out << "\n";
  render();
  if (!change.content_changes) {
    for (const auto& r : change.reasons) out << "      " << r << "\n";
  }
}

// The change's own lines after its marker, label and path.
void render_change(const plan::Change& change, std::ostringstream& out) {
  std::visit(plan::Overloaded{
                 [&](const plan::PasswordFileDetails& details) {
                   render_entries(change, details.users.empty(), [&] { render_users(details, out); }, out);
                 },
                 [&](const plan::AclFileDetails& details) {
                   render_entries(change, details.rules.empty(), [&] { render_acl(details, out); }, out);
                 },
                 [&](const plan::KeyDetails& details) {
                   if (change.content_changes && change.action != plan::Action::update) {
                     out << " (" << details.key_type << (details.key_type_default ? " (default)" : "") << ")";
                   }
                   render_reasons(change, out);
                 },
                 [&](const plan::CertificateDetails& details) { render_certificate(change, details, out); },
                 [&](const plan::ConfigDetails&) { render_reasons(change, out); }},
             change.details);
}

// "+sensor-7, -olduser" / "acl sensor-7: + write a/#; acl patterns: ...":
// what --quiet says about a change's entries; empty when it has none.
std::string entry_summary(const plan::Change& change) {
  std::string detail;
  std::visit(plan::Overloaded{
                 [&](const plan::PasswordFileDetails& details) {
                   for (const plan::UserChange& u : details.users) {
                     detail += std::string(detail.empty() ? "" : ", ") + sign(u.kind) +
                               (u.user.empty() ? u.reason : u.user);
                   }
                 },
                 [&](const plan::AclFileDetails& details) {
                   std::vector<std::string> repairs;
                   for (const AclGroup& group : acl_groups(details, repairs)) {
                     detail += (detail.empty() ? "" : "; ") + acl_group_line(group);
                   }
                   for (const std::string& repair : repairs) detail += (detail.empty() ? "! " : "; ! ") + repair;
                 },
                 [](const plan::KeyDetails&) {}, [](const plan::CertificateDetails&) {},
                 [](const plan::ConfigDetails&) {}},
             change.details);
  return detail;
}

}  // namespace

std::string summary_line(const plan::Plan& plan) {
  int add = 0, change = 0, replace = 0, remove = 0;
  for (const auto& c : plan.changes) {
    switch (c.action) {
      case plan::Action::create: ++add; break;
      case plan::Action::update: ++change; break;
      case plan::Action::replace: ++replace; break;
      case plan::Action::remove: ++remove; break;
      case plan::Action::no_op: break;
    }
  }
  int users_added = 0, users_changed = 0, users_removed = 0;
  int rules_added = 0, rules_removed = 0;
  const auto count = [](const std::vector<plan::LineChange>& edits, int& added, int* changed, int& removed) {
    for (const auto& e : edits) {
      switch (e.kind) {
        case plan::LineChange::Kind::add: ++added; break;
        case plan::LineChange::Kind::update:
          if (changed) ++*changed;
          break;
        case plan::LineChange::Kind::remove: ++removed; break;
        case plan::LineChange::Kind::repair: break;
      }
    }
  };
  for (const auto& c : plan.changes) {
    if (const auto* p = std::get_if<plan::PasswordFileDetails>(&c.details)) {
      count(p->users, users_added, &users_changed, users_removed);
    } else if (const auto* a = std::get_if<plan::AclFileDetails>(&c.details)) {
      count(a->rules, rules_added, nullptr, rules_removed);
    }
  }
  std::ostringstream out;
  if (add + change + replace + remove == 0) {
    out << "No changes.";
  } else {
    out << "Plan: " << add << " to add, " << change << " to change, " << replace
        << " to replace, " << remove << " to remove";
    if (users_added + users_changed + users_removed > 0) {
      out << " (users: +" << users_added << " ~" << users_changed << " -" << users_removed << ")";
    }
    if (rules_added + rules_removed > 0) {
      out << " (ACL rules: +" << rules_added << " -" << rules_removed << ")";
    }
    out << ".";
  }
  if (!plan.stale_temp_files.empty()) {
    const std::size_t n = plan.stale_temp_files.size();
    out << " " << n << " stale temp file" << (n == 1 ? "" : "s") << " to remove.";
  }
  std::string broker;
  if (plan.reload_needed) broker = "reload (SIGHUP)";
  if (plan.restart_required()) {
    broker += std::string(broker.empty() ? "" : "; ") + "restart required";
  }
  if (!broker.empty()) out << " Broker: " << broker << ".";
  return out.str();
}

std::string render_human(const plan::Plan& plan, Color color) {
  Style style{color};
  std::ostringstream out;
  for (const plan::Change& change : plan.changes) {
    if (!change.changes()) continue;
    const std::string label = std::string(plan::resource_label(change.kind()));
    out << "  " << style.paint(marker_color(change.action), marker(change.action)) << " " << label << " "
        << change.path;
    render_change(change, out);
  }
  for (const StaleTempFile& stale : plan.stale_temp_files) {
    out << "  " << style.paint(marker_color(plan::Action::remove), marker(plan::Action::remove))
        << " stale temp file " << stale.path << ": left by an interrupted run\n";
  }
  for (const auto& reason : plan.restart_reasons) {
    out << "  " << style.paint("31", "restart required") << ": " << reason << "\n";
  }
  for (const auto& reason : plan.pending_restart_reasons) {
    out << "  " << style.paint("31", "restart still pending") << ": " << reason << " (applied "
        << plan::format_date(plan.pending_restart_since) << ", the broker has not restarted since)\n";
  }
  if (out.tellp() > 0) out << "\n";
  out << summary_line(plan) << "\n";
  return out.str();
}

std::string render_warnings(const plan::Plan& plan, Color color) {
  Style style{color};
  std::string out;
  for (const auto& warning : plan.warnings) out += style.paint("33", "Warning: ") + warning + "\n";
  return out;
}

std::vector<std::string> change_lines(const plan::Plan& plan) {
  std::vector<std::string> lines;
  for (const plan::Change& change : plan.changes) {
    if (!change.changes()) continue;
    std::string line = marker(change.action) + " " + std::string(plan::resource_label(change.kind())) + " " +
                       change.path;
    std::string detail = entry_summary(change);
    if (detail.empty()) {
      for (const auto& r : change.reasons) detail += (detail.empty() ? "" : "; ") + r;
    }
    if (!detail.empty()) line += ": " + detail;
    lines.push_back(line);
  }
  for (const auto& reason : plan.restart_reasons) lines.push_back("restart required: " + reason);
  for (const auto& reason : plan.pending_restart_reasons) lines.push_back("restart still pending: " + reason);
  return lines;
}

}  // namespace mosq::render
