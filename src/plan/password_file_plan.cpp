#include "plan/password_file_plan.h"

#include <map>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "plan/file_policy.h"

namespace mosq::plan {
namespace {

using Kind = UserChange::Kind;

std::string version_name(crypto::MosquittoVersion v) {
  return v == crypto::MosquittoVersion::v2_0 ? "2.0" : "2.1";
}

}  // namespace

Change plan_password_file(const spec::Spec& spec, const observe::Observed& observed) {
  const observe::ObservedPasswordFile& file = observed.password_file;
  Change change;
  change.address = {ResourceKind::password_file, ""};
  change.effect = BrokerEffect::reload;
  PasswordFileDetails details;

  // Hashed views of names the spec and the file hold (10,000 users: a
  // tree of strings was a fifth of this plan's cost).
  std::unordered_map<std::string_view, const spec::User*> listed;
  listed.reserve(spec.users.size());
  for (const spec::User& user : spec.users) listed[user.name] = &user;

  std::unordered_set<std::string_view> seen;
  seen.reserve(file.content.lines.size());
  for (const broker::PasswordLine& line : file.content.lines) {
    if (line.blank_or_comment) continue;
    if (line.user.empty()) {
      details.users.push_back({Kind::repair, "", "line " + std::to_string(line.number) + ": " +
                                                    line.problem + " (line dropped)",
                              line.number, std::nullopt});
      continue;
    }
    if (!seen.insert(std::string_view(line.user)).second) {
      details.users.push_back({Kind::remove, line.user,
                              "duplicate line " + std::to_string(line.number), line.number, std::nullopt});
      continue;
    }
    auto it = listed.find(line.user);
    if (it == listed.end()) {
      if (spec.broker.unlisted_users == spec::UnlistedUsers::remove) {
        details.users.push_back(
            {Kind::remove, line.user, "not in the spec (unlisted_users: remove)", line.number, std::nullopt});
      } else if (!line.problem.empty()) {
        details.users.push_back({Kind::repair, line.user,
                                "line " + std::to_string(line.number) + ": " + line.problem +
                                    " (unlisted user kept out: the broker cannot read it)",
                                line.number, std::nullopt});
      }
      continue;
    }
    const spec::User& user = *it->second;
    if (user.state == spec::UserState::absent) {
      details.users.push_back({Kind::remove, line.user, "state: absent", line.number, std::nullopt});
      continue;
    }
    if (!line.problem.empty() || !line.hash) {
      details.users.push_back({Kind::update, line.user,
                              "line " + std::to_string(line.number) + ": " + line.problem,
                              line.number, std::nullopt});
      continue;
    }
    if (auto why = crypto::unreadable_by(*line.hash, spec.broker.mosquitto_version)) {
      details.users.push_back({Kind::update, line.user,
                              "hash unreadable by mosquitto " +
                                  version_name(spec.broker.mosquitto_version) + ": " + *why,
                              line.number, std::nullopt});
      continue;
    }
    auto verdict = file.verdicts.find(line.user);
    if (verdict == file.verdicts.end() || verdict->second != observe::PasswordVerdict::matches) {
      details.users.push_back({Kind::update, line.user, "password changed", line.number, std::nullopt});
    }
  }
  for (const spec::User& user : spec.users) {
    if (user.state == spec::UserState::present && seen.count(std::string_view(user.name)) == 0) {
      details.users.push_back({Kind::add, user.name, "not in the file", 0, std::nullopt});
    }
  }

  if (!file.file.exists()) {
    change.details = std::move(details);
    change.reasons.push_back("does not exist");
    settle(change, Action::create, file.file, observed.ownership);
    return change;
  }
  for (const UserChange& u : details.users) {
    switch (u.kind) {
      case Kind::add: change.reasons.push_back("+ user " + u.user); break;
      case Kind::update: change.reasons.push_back("~ user " + u.user + ": " + u.reason); break;
      case Kind::remove: change.reasons.push_back("- user " + u.user + ": " + u.reason); break;
      case Kind::repair:
        change.reasons.push_back("! " + (u.user.empty() ? std::string() : "user " + u.user + ": ") +
                                 u.reason);
        break;
    }
  }
  change.details = std::move(details);
  settle(change, Action::update, file.file, observed.ownership);
  return change;
}

}  // namespace mosq::plan

namespace mosq::plan {

std::string next_password_file(const broker::PasswordFileContent& current, const Change& change,
                               const std::function<std::string(const std::string& user)>& line_for) {
  std::map<int, const UserChange*> by_line;
  const auto& users = change.as<PasswordFileDetails>().users;
  for (const UserChange& u : users) {
    if (u.line > 0) by_line[u.line] = &u;
  }
  std::string out;
  for (const broker::PasswordLine& line : current.lines) {
    auto it = by_line.find(line.number);
    if (it == by_line.end()) {
      out += line.raw + "\n";
      continue;
    }
    if (it->second->kind == UserChange::Kind::update) out += line_for(line.user) + "\n";
  }
  for (const UserChange& u : users) {
    if (u.kind == UserChange::Kind::add) out += line_for(u.user) + "\n";
  }
  return out;
}

}  // namespace mosq::plan
