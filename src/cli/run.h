// The tool's startup sequence: options, spec, secrets, lock, observe, plan,
// render, apply. The only place an Error becomes output and an exit status.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "observe/secrets.h"
#include "util/file_system.h"
#include "util/host.h"

namespace mosq::cli {

int run(int argc, char** argv);

// The same, with its world given (tests drive it in-process).
int run(const std::vector<std::string>& args, FileSystem& fs, Host& host, const observe::EnvLookup& env,
        std::ostream& out, std::ostream& err, bool out_is_tty);

}  // namespace mosq::cli
