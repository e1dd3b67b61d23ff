// A fast reader for the shape nearly every spec has: block mappings and
// block sequences of one-line scalars, in printable ASCII. yaml-cpp's
// scanner costs about 1,600 instructions a byte (80 ms for a 10,000-user
// spec, a quarter of the PBKDF2 work the run exists for); this reads the
// same text about twelve times faster.
//
// It is a fast path, not a second YAML parser: it gives yaml-cpp's own
// parse events (kinds, tags, text and marks, as yaml-cpp 0.7 gives them)
// or nothing at all, and yaml_tree.cpp then parses with yaml-cpp. Anything
// outside the subset below is left to yaml-cpp, errors included, so every
// diagnostic stays yaml-cpp's. The fuzz target fuzz/yaml_block_reader_fuzz.cpp
// holds it to that: for every text it accepts, the events must equal
// yaml-cpp's.
//
// The subset: one document (an optional leading `---` in column 0) that
// ends with a newline, space indentation; keys of letters, digits, '_' and
// '-'; `key: value`, `key:` with a nested block or an indentless `- ` list
// below it, `- value`, `- key: value` (a mapping begun on the item's line);
// values that are plain one-line scalars without any of `[]{},` or `: `,
// quoted one-line scalars without escapes, or a `[ ]` or `{ }` of such
// scalars closed on its line (its plain scalars of letters, digits, spaces
// and `_-./@+=` only); `#` comments and blank lines anywhere. Not in it:
// tabs, CR, bytes outside printable ASCII, anchors, aliases, tags, nested
// or multi-line flow collections, block and multi-line scalars, escapes,
// complex keys, null keys, directives, more than one document.
#pragma once

#include <string_view>

namespace YAML {
class EventHandler;
}

namespace mosq::spec {

// True after giving `handler` every event of `text` (the document's start
// and end included); false, having given nothing, when the text is not
// in the subset.
bool read_block_yaml(std::string_view text, YAML::EventHandler& handler);

}  // namespace mosq::spec
