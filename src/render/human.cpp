#include "render/human.h"

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

void render_users(const plan::Change& change, std::ostringstream& out) {
  for (const plan::UserChange& u : change.users) {
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
  for (const auto& c : plan.changes) {
    for (const auto& u : c.users) {
      switch (u.kind) {
        case plan::UserChange::Kind::add: ++users_added; break;
        case plan::UserChange::Kind::update: ++users_changed; break;
        case plan::UserChange::Kind::remove: ++users_removed; break;
        case plan::UserChange::Kind::repair: break;
      }
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
    const std::string label = std::string(plan::resource_label(change.kind));
    std::string line = style.paint(marker_color(change.action), marker(change.action)) + " " +
                       label + " " + change.path;
    if (change.kind == plan::ResourceKind::password_file && !change.users.empty()) {
      out << "  " << line << "\n";
      render_users(change, out);
      if (!change.content_changes) {
        for (const auto& r : change.reasons) out << "      " << r << "\n";
      }
      continue;
    }
    out << "  " << line;
    if (!change.key_type.empty() && change.content_changes &&
        (change.kind == plan::ResourceKind::ca_key || change.kind == plan::ResourceKind::server_key ||
         change.kind == plan::ResourceKind::client_key) &&
        change.action != plan::Action::update) {
      out << " (" << change.key_type << (change.key_type_default ? " (default)" : "") << ")";
    }
    if (change.reasons.size() == 1) {
      out << ": " << change.reasons.front() << "\n";
    } else {
      out << "\n";
      for (const auto& r : change.reasons) out << "      " << r << "\n";
    }
    if (change.after && change.content_changes) {
      out << "      new: " << change.after->subject;
      if (!change.after->subject_alt_names.empty()) {
        out << " [";
        for (size_t i = 0; i < change.after->subject_alt_names.size(); ++i) {
          out << (i ? ", " : "") << change.after->subject_alt_names[i];
        }
        out << "]";
      }
      if (change.after->not_after) {
        out << ", valid until " << plan::format_date(*change.after->not_after);
      }
      out << "\n";
    }
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
    std::string line = marker(change.action) + " " + std::string(plan::resource_label(change.kind)) + " " +
                       change.path;
    std::string detail;
    for (const plan::UserChange& u : change.users) {
      const char* sign = u.kind == plan::UserChange::Kind::add      ? "+"
                         : u.kind == plan::UserChange::Kind::update ? "~"
                         : u.kind == plan::UserChange::Kind::remove ? "-"
                                                                    : "!";
      detail += std::string(detail.empty() ? "" : ", ") + sign + (u.user.empty() ? u.reason : u.user);
    }
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
