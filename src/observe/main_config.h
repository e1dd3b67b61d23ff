// The broker's own config as someone wrote it by hand: broker.main_config
// and the .conf files of the include_dir it names, in the order Mosquitto
// reads them. Read only (never written), to find what collides with the
// managed snippet (plan/main_config_check.h). Each file is read like any
// input: bounded, a regular file, inside the root.
#pragma once

#include <string>
#include <vector>

#include "broker/config_directives.h"
#include "spec/spec.h"
#include "util/file_system.h"
#include "util/root.h"

namespace mosq::observe {

struct HandConfigFile {
  std::string path;  // as the broker names it ("/etc/mosquitto/conf.d/tls.conf")
  std::vector<broker::ConfigDirective> directives;
};

struct ObservedMainConfig {
  bool exists = false;  // false: no main config here, nothing checked
  std::string path;
  std::vector<std::string> include_dirs;  // as written, normalised
  // The main config first, then each include_dir's files in load order;
  // the managed snippet itself is left out.
  std::vector<HandConfigFile> files;
};

// Throws Error naming the file for one that cannot be read (a FIFO, too
// big, unreadable) or an include_dir that cannot be listed.
ObservedMainConfig observe_main_config(const spec::Spec& spec, const FileSystem& fs, const Root& root);

}  // namespace mosq::observe
