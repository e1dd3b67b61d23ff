// Renderers show the same plan as text, JSON and diff, exactly.
#include <catch2/catch.hpp>

#include "plan/planner.h"
#include "render/diff.h"
#include "render/human.h"
#include "render/json.h"
#include "support/plan_fixture.h"

using namespace mosq;
using namespace mosq::test;

namespace {

struct Drifted {
  spec::Spec spec = example_spec();
  observe::Observed observed;
  plan::Plan plan;
  Drifted() {
    observed = in_sync(spec);
    auto& lines = observed.password_file.content.lines;
    lines.push_back(password_line(3, "olduser", fake_hash(40)));
    observed.password_file.verdicts["user1"] = observe::PasswordVerdict::differs;
    spec.users.push_back({"sensor-7", spec::UserState::present,
                          spec::PasswordSource{spec::PasswordSourceKind::env, "S7"}, std::nullopt, {}});
    observed.pki->server_cert.facts.not_after = k_now + 19 * k_day;
    spec.listeners[0].tls_version = spec::TlsVersion::tlsv1_3;
    plan = plan::make_plan(spec, observed, k_now);
  }
};

}  // namespace

TEST_CASE("the human plan", "[render]") {
  Drifted d;
  CHECK(render::render_human(d.plan, render::Color::off) ==
        "  -/+ server certificate /etc/mosquitto/certs/server.crt: expires 2026-12-07, inside "
        "renew_before_days 30\n"
        "      new: O=FicusOnline, CN=broker.local [DNS:broker.local, IP:127.0.0.1], valid until "
        "2029-02-20\n"
        "  ~ password file /etc/mosquitto/mqttpass\n"
        "      ~ user user1: password changed\n"
        "      - user olduser: state: absent\n"
        "      + user sensor-7\n"
        "  -/+ broker config /etc/mosquitto/conf.d/mosq-reconcile.conf: listeners differ from the "
        "spec\n"
        "  restart required: listener 8883 0.0.0.0: tls_version tlsv1.2 -> tlsv1.3\n"
        "\n"
        "Plan: 0 to add, 1 to change, 2 to replace, 0 to remove (users: +1 ~1 -1). Broker: reload "
        "(SIGHUP); restart required.\n");
}

TEST_CASE("colour only when asked", "[render]") {
  Drifted d;
  CHECK(render::render_human(d.plan, render::Color::off).find('\033') == std::string::npos);
  CHECK(render::render_human(d.plan, render::Color::on).find("\033[35m-/+\033[0m") !=
        std::string::npos);
}

TEST_CASE("no changes", "[render]") {
  auto spec = example_spec();
  auto plan = plan::make_plan(spec, in_sync(spec), k_now);
  CHECK(render::render_human(plan, render::Color::off) == "No changes.\n");
  auto json = render::render_json(plan);
  CHECK(json["changed"] == false);
  CHECK(json["changes"].empty());
}

TEST_CASE("the JSON plan", "[render][json]") {
  Drifted d;
  auto json = render::render_json(d.plan);
  CHECK(json["format_version"] == "1.0");
  CHECK(json["changed"] == true);
  REQUIRE(json["changes"].size() == 3);
  const auto& cert = json["changes"][0];
  CHECK(cert["resource"] == "server_certificate");
  CHECK(cert["action"] == "replace");
  CHECK(cert["actions"] == nlohmann::json({"delete", "create"}));
  CHECK(cert["days_left"] == 19);
  const auto& pw = json["changes"][1];
  // An update that removes a user lists "delete", for CI scans.
  CHECK(pw["actions"] == nlohmann::json({"update", "delete"}));
  CHECK(pw["users"].size() == 3);
  CHECK(pw["users"][1] == nlohmann::json({{"user", "olduser"}, {"action", "delete"},
                                          {"reason", "state: absent"}, {"line", 3}}));
  CHECK(json["broker"]["restart_required"] == true);
  REQUIRE(json["certificates"].size() == 2);
  CHECK(json["certificates"][1]["subject_alt_names"] ==
        nlohmann::json({"DNS:broker.local", "IP:127.0.0.1"}));
  CHECK(json["certificates"][1]["not_after"] == "2026-12-07");
  // No hash of the password file reaches JSON.
  const std::string text = json.dump();
  for (const auto& line : d.observed.password_file.content.lines) {
    CHECK(text.find(crypto::format_password_hash(*line.hash)) == std::string::npos);
  }
}

TEST_CASE("the diff redacts every hash", "[render][diff]") {
  Drifted d;
  std::string diff = render::render_diff(d.plan, d.observed);
  CHECK(diff.find("-olduser:(sensitive value)") != std::string::npos);
  CHECK(diff.find("+user1:(sensitive value, new)") != std::string::npos);
  CHECK(diff.find("+sensor-7:(sensitive value, new)") != std::string::npos);
  CHECK(diff.find("-tls_version tlsv1.2") != std::string::npos);
  CHECK(diff.find("+tls_version tlsv1.3") != std::string::npos);
  CHECK(diff.find("$7$") == std::string::npos);
}

TEST_CASE("redaction never shows a line that could be a bare password", "[render][diff]") {
  CHECK(render::redact_password_file("u:$7$x\n#c\n\nhunter2\n") ==
        "u:(sensitive value)\n#c\n\n(unparsable line)\n");
}

TEST_CASE("quiet lines (--quiet): one per changing resource, users by name, then restarts", "[render]") {
  Drifted d;
  CHECK(render::change_lines(d.plan) ==
        std::vector<std::string>{
            "-/+ server certificate /etc/mosquitto/certs/server.crt: expires 2026-12-07, inside "
            "renew_before_days 30",
            "~ password file /etc/mosquitto/mqttpass: ~user1, -olduser, +sensor-7",
            "-/+ broker config /etc/mosquitto/conf.d/mosq-reconcile.conf: listeners differ from the spec",
            "restart required: listener 8883 0.0.0.0: tls_version tlsv1.2 -> tlsv1.3"});
  auto spec = example_spec();
  CHECK(render::change_lines(plan::make_plan(spec, in_sync(spec), k_now)).empty());
}

TEST_CASE("warnings are rendered apart from the plan (they go to stderr)", "[render]") {
  Drifted d;
  d.plan.warnings.push_back("something to know");
  CHECK(render::render_human(d.plan, render::Color::off).find("something to know") == std::string::npos);
  CHECK(render::render_warnings(d.plan, render::Color::off) == "Warning: something to know\n");
}
