#include "cli/run.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>

#include "apply/applier.h"
#include "apply/pki_issuer.h"
#include "apply/state_file.h"
#include "cli/options.h"
#include "crypto/openssl_start.h"
#include "observe/observe.h"
#include "observe/read_limits.h"
#include "plan/pki_plan.h"
#include "plan/planner.h"
#include "render/diff.h"
#include "render/human.h"
#include "render/json.h"
#include "spec/loader.h"
#include "util/error.h"
#include "util/host.h"
#include "util/in_root.h"
#include "util/iso_time.h"

namespace mosq::cli {
namespace {

struct Output {
  const Options& options;
  std::ostream& out;
  std::ostream& err;
  bool color;
};

spec::Spec load(const Options& options, const FileSystem& fs) {
  // Named by the operator: a link is followed (a checkout, a config tree).
  ReadResult read = fs.read(HostPath::as_given(options.spec_path), observe::k_max_spec_bytes,
                            LastLink::followed);
  if (read.status != ReadStatus::ok) {
    throw Error(options.spec_path + ": cannot read the spec: " + read.error);
  }
  return spec::load_spec(options.spec_path, read.content);
}

std::int64_t clock_now(const Options& options, const Host& host) {
  if (!options.now) return host.now();
  auto parsed = parse_iso_time(*options.now);
  if (!parsed) {
    throw Error("--now '" + *options.now +
                "' is not an ISO 8601 date or time (e.g. 2027-01-31 or 2027-01-31T12:00:00Z)");
  }
  return *parsed;
}

Root make_root(const Options& options, const FileSystem& fs) {
  if (!options.root.empty() &&
      fs.stat(HostPath::as_given(options.root), LastLink::followed).kind != FileKind::directory) {
    throw Error("--root " + options.root + ": not a directory");
  }
  return Root(options.root, options.state_dir);
}

nlohmann::json report_json(const apply::ApplyReport& report) {
  nlohmann::json backups = nlohmann::json::array();
  for (const auto& kept : report.backups) backups.push_back({{"file", kept.file}, {"backup", kept.backup}});
  return {{"done", report.done},
          {"backups", backups},
          {"warnings", report.warnings},
          {"reloaded", report.reloaded},
          {"restarted", report.restarted}};
}

// What apply refuses before writing anything, with the way out.
void check_apply_allowed(const Options& options, const spec::Spec& spec, const plan::Plan& plan,
                         const Host& host) {
  // --now in the past issues certificates as of that day: refused when one
  // of them would already be expired by the real clock.
  const std::int64_t real_now = host.now();
  for (const plan::Change& change : plan.changes) {
    const auto* cert = std::get_if<plan::CertificateDetails>(&change.details);
    if (!change.changes() || !cert || !cert->after || !cert->after->not_after) continue;
    if (*cert->after->not_after <= real_now) {
      throw Error("--now " + options.now.value_or("") + ": the " +
                  std::string(plan::resource_label(change.kind())) + " " + change.path +
                  " would be issued already expired (valid until " + plan::format_date(*cert->after->not_after) +
                  "); nothing was written. Use --plan to look at the past, apply with a later --now");
    }
  }
  bool breaks_trust = false;
  for (const plan::Change& change : plan.changes) breaks_trust = breaks_trust || plan::breaks_trust(change);
  const bool allowed = options.allow_trust_break || (spec.tls && spec.tls->ca.allow_replace);
  if (breaks_trust && !allowed) {
    throw Error("this plan replaces the CA that clients trust (see above): every client would have to be "
                "given the new CA certificate. Nothing was written. If that is what you want, run again with "
                "--allow-trust-break (or set tls.ca.allow_replace: true in the spec); if not, give the spec "
                "the existing CA key and certificate (tls.ca.key, tls.ca.cert)");
  }
}

void print_error_lines(std::ostream& err, const std::string& text) {
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    err << "mosq-reconcile: error: " << text.substr(start, end - start) << "\n";
    start = end + 1;
  }
}

// A spec error's located diagnostics (file, line, column, field, message),
// or none, for --json.
nlohmann::json diagnostics_json(const Error& error) {
  nlohmann::json diagnostics = nlohmann::json::array();
  if (const auto* spec_error = dynamic_cast<const spec::SpecError*>(&error)) {
    for (const auto& d : spec_error->diagnostics()) {
      diagnostics.push_back({{"file", d.file},
                             {"line", d.mark.line},
                             {"column", d.mark.column},
                             {"field", d.field},
                             {"message", d.message}});
    }
  }
  return diagnostics;
}

// What apply did (also on a no-op apply: JSON always has "applied"), and
// the error it stopped at, with what was written before it.
void print_report(const Output& output, const apply::ApplyReport& report, bool had_changes,
                  nlohmann::json& json) {
  if (output.options.json) {
    json["applied"] = report_json(report);
    if (report.error) {
      // What was written before the failure is real: changed says so.
      json["changed"] = report.changed();
      json["failed"] = true;
      json["error"] = {{"message", *report.error}, {"diagnostics", nlohmann::json::array()}};
    }
    output.out << json.dump(2) << "\n";
    return;
  }
  for (const auto& line : report.warnings) output.err << "Warning: " << line << "\n";
  if (!output.options.quiet) {
    for (const auto& line : report.done) output.out << "  " << line << "\n";
    if (report.error) {
      output.out << (report.files_written > 0 ? "Apply stopped after " + std::to_string(report.files_written) +
                                                    " of the planned changes (listed above).\n"
                                              : std::string("Apply stopped before writing anything.\n"));
    } else if (had_changes) {
      output.out << "Apply complete.\n";
    }
  }
  if (report.error) print_error_lines(output.err, *report.error);
}

ExitCode reconcile(const Options& options, FileSystem& fs, Host& host, const observe::EnvLookup& env,
                   const Output& output) {
  const spec::Spec spec = load(options, fs);
  if (options.validate) {
    if (options.json) {
      output.out << nlohmann::json{{"format_version", render::k_json_format_version},
                                   {"valid", true},
                                   {"changed", false}}
                        .dump(2)
                 << "\n";
    } else {
      output.out << options.spec_path << ": valid\n";
    }
    return ExitCode::ok;
  }
  const std::int64_t now = clock_now(options, host);
  const Root root = make_root(options, fs);
  const KeptRoot kept_root(root);  // opened once for every path of the run
  crypto::start_openssl();
  // Apply holds a whole-host lock (flock on the root directory) from
  // reading the secrets (the CA key file among them) to the last write, so
  // cron and Ansible never interleave.
  std::unique_ptr<FileLock> lock;
  if (!options.plan) {
    if (!options.state_dir.empty()) fs.create_directories(root.apply_lock(), 0755);
    lock = fs.lock(root.apply_lock(), std::chrono::seconds(options.lock_timeout_seconds));
  }
  observe::ResolvedSecrets secrets = observe::resolve_secrets(spec, fs, root, env, host.usable_cpus());

  const observe::Observed observed = observe::observe(spec, secrets, fs, host, root);
  const plan::Plan plan = plan::make_plan(spec, observed, now);
  // The broker would refuse the result (or listen twice): say which lines
  // of its own config to delete, and write nothing.
  if (!plan.config_conflicts.empty()) throw spec::SpecError(plan.config_conflicts);
  // A CA key vouched for by the state file is decrypted only when the plan
  // signs with it: a wrong passphrase then fails here, nothing written.
  apply::unlock_ca_key(plan, spec, secrets, root);

  const render::Color color = output.color ? render::Color::on : render::Color::off;
  nlohmann::json json;
  if (options.json) {
    json = render::render_json(plan);
    if (options.diff) {
      json["diff"] = render::render_diff(plan, observed);
      json["file_diffs"] = render::render_json_file_diffs(render::file_diffs(plan, observed));
    }
  } else {
    if (options.quiet) {
      for (const auto& line : render::change_lines(plan)) output.out << line << "\n";
    } else {
      if (options.diff) output.out << render::render_diff(plan, observed);
      output.out << render::render_human(plan, color);
    }
    output.err << render::render_warnings(plan, color);
  }
  if (options.plan) {
    if (options.json) output.out << json.dump(2) << "\n";
    return plan.has_changes() ? ExitCode::changes_pending : ExitCode::ok;
  }

  apply::ApplyReport report;
  if (plan.has_changes()) {
    try {
      check_apply_allowed(options, spec, plan, host);
      apply::check_can_issue(plan, spec, secrets, root);  // the CA key (or its passphrase) at hand
    } catch (const Error& refused) {
      if (!options.json) throw;
      // The plan that was refused, marked failed.
      json["failed"] = true;
      json["error"] = {{"message", refused.what()}, {"diagnostics", diagnostics_json(refused)}};
      output.out << json.dump(2) << "\n";
      return ExitCode::error;
    }
    report = apply::apply_plan(plan, spec, secrets, fs, host, root, env, now, {options.backup});
  } else {
    // Nothing to write, but the CA key may have been opened with its
    // passphrase for the first time (or since its file changed).
    apply::record_verified_keys(spec, secrets, fs, root, host.now(), apply::RecordedKeys::trusted);
  }
  print_report(output, report, plan.has_changes(), json);
  if (report.error) return ExitCode::error;
  return options.detailed_exitcode && plan.has_changes() ? ExitCode::changes_pending : ExitCode::ok;
}

void report_error(const Output& output, const Error& error) {
  if (output.options.json) {
    output.out << nlohmann::json{{"format_version", render::k_json_format_version},
                                 {"changed", false},
                                 {"failed", true},
                                 {"error", {{"message", error.what()},
                                            {"diagnostics", diagnostics_json(error)}}}}
                      .dump(2)
               << "\n";
    return;
  }
  print_error_lines(output.err, error.what());
}

}  // namespace

int run(const std::vector<std::string>& args, FileSystem& fs, Host& host, const observe::EnvLookup& env,
        std::ostream& out, std::ostream& err, bool out_is_tty) {
  Options options;
  try {
    options = parse_options(args);
  } catch (const Error& e) {
    err << "mosq-reconcile: error: " << e.what() << "\n";
    return static_cast<int>(ExitCode::error);
  }
  if (options.help) {
    out << usage();
    return static_cast<int>(ExitCode::ok);
  }
  if (options.version) {
    out << "mosq-reconcile " << MOSQ_RECONCILE_VERSION << "\n";
    return static_cast<int>(ExitCode::ok);
  }
  Output output{options, out, err, out_is_tty && !options.json};
  int code = static_cast<int>(ExitCode::error);
  try {
    code = static_cast<int>(reconcile(options, fs, host, env, output));
  } catch (const Error& e) {
    report_error(output, e);
  } catch (const std::exception& e) {
    report_error(output, Error(std::string("internal error: ") + e.what()));
  }
  // Output that did not get out is a failure (--json > /dev/full): a
  // caller would otherwise read nothing and take exit 0 for success.
  out.flush();
  if (!out) {
    err << "mosq-reconcile: error: cannot write the output (standard output: " << std::strerror(errno) << ")\n";
    return static_cast<int>(ExitCode::error);
  }
  return code;
}

int run(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const bool tty = ::isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr;
  return run(args, real_file_system(), real_host(), observe::process_environment(), std::cout, std::cerr, tty);
}

}  // namespace mosq::cli
