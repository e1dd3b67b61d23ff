// plan() for the ACL file: rule-level changes against hand-built observed
// states (the file's text, parsed as the broker reads it).
#include "plan/acl_file_plan.h"

#include <catch2/catch.hpp>

#include <algorithm>

#include "broker/config_render.h"
#include "plan/acl_lint.h"
#include "render/human.h"
#include "render/json.h"
#include "support/plan_fixture.h"

namespace mosq::test {
namespace {

using plan::Action;
using plan::LineChange;
using plan::ResourceKind;
using spec::AclAccess;
using Kind = LineChange::Kind;

constexpr const char* k_acl_path = "/etc/mosquitto/acl";

// example_spec() with an ACL file: user1 may write sensors/1/#, dashboard
// reads sensors/# but not sensors/+/secret, a %u pattern, no anonymous rule.
spec::Spec acl_spec() {
  spec::Spec s = example_spec();
  s.broker.acl_file = k_acl_path;
  s.users[0].acl = std::vector<spec::AclRuleSpec>{{"sensors/1/#", AclAccess::write, {}}};
  s.users[1].acl = std::vector<spec::AclRuleSpec>{{"sensors/#", AclAccess::read, {}},
                                                  {"sensors/+/secret", AclAccess::deny, {}}};
  s.acl = spec::Acl{{{"devices/%u/#", AclAccess::readwrite, {}}}, {}};
  return s;
}

// The observed state with the ACL file holding `text`.
observe::Observed with_acl_text(const spec::Spec& spec, const std::string& text) {
  observe::Observed o = in_sync(spec);
  observe::ObservedAclFile& acl = o.acl_file.emplace();
  acl.file.path = k_acl_path;
  acl.file.info.kind = FileKind::regular;
  acl.file.info.mode = 0640;
  acl.file.info.uid = *o.ownership.uid;
  acl.file.info.gid = *o.ownership.gid;
  acl.file.digest = "digest-of-acl";
  acl.content = text;
  acl.parsed = broker::parse_acl_file(text);
  return o;
}

// The tool's own rendering of the spec: the in-sync file.
std::string rendered(const spec::Spec& spec) {
  return broker::render_acl_file(plan::desired_acl_rules(spec, observe::ObservedAclFile{}));
}

const plan::AclFileDetails& acl_details(const plan::Change& change) { return change.as<plan::AclFileDetails>(); }

// "+ alice write a/#" for each rule change, "! <reason>" for repairs.
std::vector<std::string> edits(const plan::Change& change) {
  std::vector<std::string> out;
  for (const LineChange& e : acl_details(change).rules) {
    const char sign = e.kind == Kind::add ? '+' : e.kind == Kind::remove ? '-' : '!';
    out.push_back(e.rule ? std::string(1, sign) + " " + broker::rule_owner(*e.rule) + " " + broker::describe(*e.rule)
                         : "! " + e.reason);
  }
  return out;
}

}  // namespace

TEST_CASE("ACL plan: a spec without acl_file has no ACL change (behaves as before)", "[plan][acl]") {
  const auto spec = example_spec();
  const auto plan = plan_for(spec, in_sync(spec));
  CHECK(std::none_of(plan.changes.begin(), plan.changes.end(),
                     [](const plan::Change& c) { return c.kind() == ResourceKind::acl_file; }));
  CHECK(plan::acl_warnings(spec).empty());
}

TEST_CASE("ACL plan: the tool's own rendering is in sync", "[plan][acl]") {
  const auto spec = acl_spec();
  const auto change = change_for(spec, with_acl_text(spec, rendered(spec)), ResourceKind::acl_file);
  CHECK(change.action == Action::no_op);
  CHECK(acl_details(change).rules.empty());
  CHECK_FALSE(acl_details(change).format_only);
}

TEST_CASE("ACL plan: a missing file is created with every rule, and reloads the broker", "[plan][acl]") {
  const auto spec = acl_spec();
  auto observed = with_acl_text(spec, "");
  observed.acl_file->file.info = FileInfo{};
  observed.acl_file->file.digest = "absent";
  const auto plan = plan_for(spec, observed);
  const auto& change = find_change(plan, ResourceKind::acl_file);
  CHECK(change.action == Action::create);
  CHECK(change.effect == plan::BrokerEffect::reload);
  CHECK(edits(change) == std::vector<std::string>{"+ (patterns) readwrite devices/%u/#", "+ user1 write sensors/1/#",
                                                  "+ dashboard read sensors/#", "+ dashboard deny sensors/+/secret"});
  CHECK(change.policy.mode == 0640);
  CHECK(plan.reload_needed);
  CHECK(plan.restart_reasons.empty());
}

TEST_CASE("ACL plan: rule-level changes, shown rule by rule", "[plan][acl]") {
  auto spec = acl_spec();
  const std::string before = rendered(spec);
  spec.users[0].acl->push_back({"sensors/1/cmd", AclAccess::read, {}});
  spec.users[1].acl->erase(spec.users[1].acl->begin());  // dashboard loses read sensors/#
  const auto plan = plan_for(spec, with_acl_text(spec, before));
  const auto& change = find_change(plan, ResourceKind::acl_file);
  CHECK(change.action == Action::update);
  CHECK(change.content_changes);
  CHECK(edits(change) == std::vector<std::string>{"- dashboard read sensors/#", "+ user1 read sensors/1/cmd"});
  const auto removed = acl_details(change).rules.front();
  CHECK(removed.line == 10);  // its line in the file as rendered before
  CHECK(removed.reason == "not in the spec");
  const std::string human = render::render_human(plan, render::Color::off);
  CHECK_THAT(human, Catch::Contains("  ~ ACL file /etc/mosquitto/acl\n"
                                    "      ~ acl dashboard (not in the spec): - read sensors/#\n"
                                    "      ~ acl user1 (not in the file): + read sensors/1/cmd\n"));
  CHECK_THAT(human, Catch::Contains("(ACL rules: +1 -1)"));
  const auto lines = render::change_lines(plan);
  CHECK(std::find(lines.begin(), lines.end(),
                  "~ ACL file /etc/mosquitto/acl: acl dashboard (not in the spec): - read sensors/#; acl user1 (not "
                  "in the file): + read sensors/1/cmd") != lines.end());
  const auto json = render::render_json(plan);
  const auto entry = std::find_if(json["changes"].begin(), json["changes"].end(),
                                  [](const nlohmann::json& c) { return c["resource"] == "acl_file"; });
  REQUIRE(entry != json["changes"].end());
  CHECK((*entry)["actions"] == nlohmann::json({"update", "delete"}));
  CHECK((*entry)["format_only"] == false);
  CHECK((*entry)["rules"] ==
        nlohmann::json::parse(R"([{"action":"delete","scope":"user","user":"dashboard","access":"read",
                                   "topic":"sensors/#","reason":"not in the spec","line":10},
                                  {"action":"create","scope":"user","user":"user1","access":"read",
                                   "topic":"sensors/1/cmd","reason":"not in the file"}])"));
}

TEST_CASE("ACL plan: the same rules in another order, spacing, comments or repeated are a rewrite for format only",
          "[plan][acl]") {
  const auto spec = acl_spec();
  const std::string hand_written =
      "# written by hand\n"
      "user dashboard\n"
      "topic deny   sensors/+/secret\n"
      "topic read sensors/#  \n"
      "pattern readwrite devices/%u/#\n"
      "user user1\n"
      "topic write sensors/1/#\n"
      "topic write sensors/1/#\n";
  const auto change = change_for(spec, with_acl_text(spec, hand_written), ResourceKind::acl_file);
  CHECK(change.action == Action::update);
  CHECK(acl_details(change).rules.empty());  // no right changes
  CHECK(acl_details(change).format_only);
  REQUIRE(change.reasons.size() == 1);
  CHECK_THAT(change.reasons[0], Catch::StartsWith("rewritten for format only"));
}

TEST_CASE("ACL plan: a hand edit is drift, repaired rule by rule", "[plan][acl]") {
  const auto spec = acl_spec();
  std::string text = rendered(spec);
  text += "topic readwrite #\n";  // after the last user line: dashboard gets everything
  const auto change = change_for(spec, with_acl_text(spec, text), ResourceKind::acl_file);
  CHECK(change.action == Action::update);
  CHECK(edits(change) == std::vector<std::string>{"- dashboard readwrite #"});
  CHECK(change.reasons == std::vector<std::string>{"- acl dashboard: readwrite #"});
}

TEST_CASE("ACL plan: a line the broker refuses is repaired (it would drop every rule at a reload)", "[plan][acl]") {
  const auto spec = acl_spec();
  std::string text = rendered(spec) + "topic wirte sensors/9\n";
  const auto change = change_for(spec, with_acl_text(spec, text), ResourceKind::acl_file);
  CHECK(change.action == Action::update);
  REQUIRE(acl_details(change).rules.size() == 1);
  CHECK(acl_details(change).rules[0].kind == Kind::repair);
  CHECK(acl_details(change).rules[0].reason ==
        "line 12: invalid topic access type 'wirte' (line dropped; Mosquitto 2.0 loads no ACL at all while it is "
        "there)");
  CHECK_FALSE(acl_details(change).format_only);
}

TEST_CASE("ACL plan: users absent or unlisted lose their rules, and unlisted_users: keep keeps them", "[plan][acl]") {
  auto spec = acl_spec();
  const std::string text = rendered(spec) +
                           "\nuser olduser\ntopic read old/#\n"      // state: absent in the spec
                           "\nuser handmade\ntopic write hand/#\n";  // not in the spec
  SECTION("unlisted_users: remove (the default)") {
    const auto change = change_for(spec, with_acl_text(spec, text), ResourceKind::acl_file);
    CHECK(edits(change) == std::vector<std::string>{"- olduser read old/#", "- handmade write hand/#"});
    CHECK(acl_details(change).rules[0].reason == "state: absent");
    CHECK(acl_details(change).rules[1].reason == "not in the spec (unlisted_users: remove)");
  }
  SECTION("unlisted_users: keep keeps the rules of the users it keeps, in the new file too") {
    spec.broker.unlisted_users = spec::UnlistedUsers::keep;
    const auto change = change_for(spec, with_acl_text(spec, text), ResourceKind::acl_file);
    CHECK(edits(change) == std::vector<std::string>{"- olduser read old/#"});
    CHECK_THAT(acl_details(change).desired_content, Catch::EndsWith("\nuser handmade\ntopic write hand/#\n"));
  }
  SECTION("a listed user without acl: loses the rules the file gave it") {
    spec.users[0].acl.reset();
    const auto change = change_for(spec, with_acl_text(spec, rendered(acl_spec())), ResourceKind::acl_file);
    CHECK(edits(change) == std::vector<std::string>{"- user1 write sensors/1/#"});
  }
}

TEST_CASE("ACL plan: anonymous rules and patterns are the spec's alone", "[plan][acl]") {
  auto spec = acl_spec();
  const std::string text = "topic read public/#\n" + rendered(spec) + "pattern read other/%c\n";
  spec.broker.allow_anonymous = true;
  spec.acl->anonymous = {{"status/#", AclAccess::read, {}}};
  const auto change = change_for(spec, with_acl_text(spec, text), ResourceKind::acl_file);
  CHECK(edits(change) == std::vector<std::string>{"- (anonymous) read public/#", "- (patterns) read other/%c",
                                                  "+ (anonymous) read status/#"});
}

TEST_CASE("ACL plan: the broker config gains acl_file (a reload, not a restart)", "[plan][acl]") {
  const auto spec = acl_spec();
  auto observed = with_acl_text(spec, rendered(spec));
  observed.config.content = broker::render_config(example_spec());  // the config before acl_file
  const auto plan = plan_for(spec, observed);
  const auto& config = find_change(plan, ResourceKind::broker_config);
  CHECK(config.action == Action::update);
  CHECK_THAT(config.as<plan::ConfigDetails>().desired_content,
             Catch::Contains("password_file /etc/mosquitto/mqttpass\nacl_file /etc/mosquitto/acl\n"));
  CHECK(plan.reload_needed);
  CHECK(plan.restart_reasons.empty());
}

TEST_CASE("ACL plan: mode and owner drift alone is an update without content", "[plan][acl]") {
  const auto spec = acl_spec();
  auto observed = with_acl_text(spec, rendered(spec));
  observed.acl_file->file.info.mode = 0644;
  const auto change = change_for(spec, observed, ResourceKind::acl_file);
  CHECK(change.action == Action::update);
  CHECK_FALSE(change.content_changes);
  CHECK(change.reasons == std::vector<std::string>{"mode 0644 -> 0640"});
}

TEST_CASE("ACL lint: warnings that do not change the exit code", "[plan][acl]") {
  auto spec = acl_spec();
  CHECK(plan::acl_warnings(spec).empty());
  SECTION("readwrite on # for a named user") {
    spec.users[0].acl->push_back({"#", AclAccess::readwrite, {}});
    CHECK(plan::acl_warnings(spec) ==
          std::vector<std::string>{"acl of user user1: 'readwrite #' lets it publish and receive on every topic"});
  }
  SECTION("a pattern without %u or %c") {
    spec.acl->patterns.push_back({"firmware/#", AclAccess::read, {}});
    CHECK(plan::acl_warnings(spec) ==
          std::vector<std::string>{"acl.patterns: 'read firmware/#' holds neither %u nor %c: it applies to every "
                                   "user alike"});
  }
  SECTION("a grant a deny of the same list makes useless") {
    spec.users[1].acl->push_back({"sensors/+/secret/#", AclAccess::deny, {}});
    spec.users[1].acl->push_back({"sensors/4/secret/x", AclAccess::read, {}});
    CHECK(plan::acl_warnings(spec) ==
          std::vector<std::string>{"acl of user dashboard: 'read sensors/4/secret/x' can never be used: 'deny "
                                   "sensors/+/secret/#' covers every topic it matches and is checked first"});
  }
  SECTION("a user with no rule and no pattern can do nothing") {
    spec.acl->patterns.clear();
    spec.users[0].acl = std::vector<spec::AclRuleSpec>{};
    CHECK(plan::acl_warnings(spec) ==
          std::vector<std::string>{"user user1 has no ACL rules and there is no pattern: with /etc/mosquitto/acl "
                                   "managed it can neither publish nor receive anything"});
  }
  SECTION("anonymous rules while allow_anonymous is false") {
    spec.acl->anonymous = {{"public/#", AclAccess::read, {}}};
    CHECK(plan::acl_warnings(spec) ==
          std::vector<std::string>{"acl.anonymous has rules but broker.allow_anonymous is false: no client "
                                   "connects without a user name, so they never apply"});
  }
  SECTION("a user name holding '+' or '#' while patterns exist") {
    spec.users[0].name = "sensor+1";
    CHECK(plan::acl_warnings(spec) ==
          std::vector<std::string>{"user sensor+1: a name holding '+' or '#' gets nothing from acl.patterns "
                                   "(Mosquitto 2.0 refuses such a user every pattern, so it cannot escape its own "
                                   "tree)"});
  }
  SECTION("the plan carries them") {
    spec.users[0].acl->push_back({"#", AclAccess::readwrite, {}});
    const auto plan = plan_for(spec, with_acl_text(spec, rendered(spec)));
    CHECK(std::count(plan.warnings.begin(), plan.warnings.end(),
                     "acl of user user1: 'readwrite #' lets it publish and receive on every topic") == 1);
  }
}

TEST_CASE("filter_covers: a deny covers a grant only when it matches every topic the grant does", "[plan][acl]") {
  CHECK(plan::filter_covers("#", "a/b"));
  CHECK(plan::filter_covers("a/#", "a"));
  CHECK(plan::filter_covers("a/#", "a/+/c"));
  CHECK(plan::filter_covers("+/b", "x/b"));
  CHECK(plan::filter_covers("+/b", "+/b"));
  CHECK(plan::filter_covers("a/b", "a/b"));
  CHECK_FALSE(plan::filter_covers("a/+", "a/#"));
  CHECK_FALSE(plan::filter_covers("a/b", "a/+"));
  CHECK_FALSE(plan::filter_covers("sensors/+/secret", "sensors/#"));
  CHECK_FALSE(plan::filter_covers("a/b", "a/b/c"));
  CHECK_FALSE(plan::filter_covers("#", "$SYS/x"));
}

}  // namespace mosq::test
