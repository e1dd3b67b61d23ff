#include "cli/options.h"

#include <boost/program_options.hpp>
#include <sstream>

#include "util/error.h"

namespace po = boost::program_options;

namespace mosq::cli {
namespace {

po::options_description visible_options() {
  po::options_description desc("Options");
  desc.add_options()
      ("plan", "dry run: print the plan, write nothing; exit 0 in sync, 2 changes pending, 1 error")
      ("json", "print one JSON object (format_version 1.0) instead of text; errors too")
      ("diff", "also print unified diffs of the config and password file (hashes redacted)")
      ("root", po::value<std::string>(), "treat DIR as / for every path the spec names")
      ("state-dir", po::value<std::string>(),
       "keep state.json in DIR and take the apply lock on it (default: /var/lib/mosq-reconcile "
       "under --root, lock on the root)")
      ("now", po::value<std::string>(), "evaluate (and issue) as of this ISO 8601 time")
      ("validate", "check the spec only, touching nothing else")
      ("allow-trust-break", "apply even when the plan replaces the CA that clients trust (a new CA key, or a "
                            "CA certificate under another key or subject)")
      ("quiet,q", "print nothing when nothing changed, one line per change otherwise (for cron)")
      ("detailed-exitcode", "apply exits 0 in sync, 2 changed, 1 error (as --plan does)")
      ("backup", "keep each file apply replaces beside it as FILE.YYYY-MM-DD@HH:MM:SS~ (UTC), same mode and owner")
      ("lock-timeout", po::value<int>()->value_name("SECONDS"),
       "apply waits this long for another run's lock, then fails naming its pid (default 60)")
      ("help,h", "show this help")
      ("version", "show the version");
  return desc;
}

}  // namespace

std::string usage() {
  std::ostringstream out;
  out << "Usage: mosq-reconcile [--plan] [--json] [--diff] [--root DIR] [--state-dir DIR] [--now TIME] "
         "[--validate] [--quiet] [--detailed-exitcode] [--backup] [--allow-trust-break] [--lock-timeout SECONDS] SPEC\n\n"
      << "Makes a Mosquitto broker's users, TLS files and config match SPEC (broker.yaml).\n"
      << "Without --plan it applies the changes; a second run changes nothing.\n\n"
      << visible_options();
  return out.str();
}

Options parse_options(const std::vector<std::string>& args) {
  po::options_description all = visible_options();
  all.add_options()("spec", po::value<std::vector<std::string>>(), "spec file");
  po::positional_options_description positional;
  positional.add("spec", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw Error(std::string(e.what()) + " (see --help)");
  }
  Options options;
  options.plan = vm.count("plan") != 0;
  options.json = vm.count("json") != 0;
  options.diff = vm.count("diff") != 0;
  options.validate = vm.count("validate") != 0;
  options.help = vm.count("help") != 0;
  options.version = vm.count("version") != 0;
  if (vm.count("root")) options.root = vm["root"].as<std::string>();
  if (vm.count("root") && options.root.empty()) {
    throw Error("--root needs a directory; an empty one is not taken to mean /");
  }
  if (vm.count("state-dir")) options.state_dir = vm["state-dir"].as<std::string>();
  if (vm.count("state-dir") && options.state_dir.empty()) throw Error("--state-dir needs a directory");
  if (vm.count("now")) options.now = vm["now"].as<std::string>();
  options.allow_trust_break = vm.count("allow-trust-break") != 0;
  options.quiet = vm.count("quiet") != 0;
  options.detailed_exitcode = vm.count("detailed-exitcode") != 0;
  options.backup = vm.count("backup") != 0;
  if (vm.count("lock-timeout")) {
    options.lock_timeout_seconds = vm["lock-timeout"].as<int>();
    if (options.lock_timeout_seconds < 0 || options.lock_timeout_seconds > 86400) {
      throw Error("--lock-timeout must be 0..86400 seconds (see --help)");
    }
  }
  if (options.help || options.version) return options;
  if (!vm.count("spec")) throw Error("no spec file given (see --help)");
  const auto& specs = vm["spec"].as<std::vector<std::string>>();
  if (specs.size() != 1) throw Error("give exactly one spec file (see --help)");
  options.spec_path = specs.front();
  return options;
}

}  // namespace mosq::cli
