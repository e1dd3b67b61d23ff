// Suggestions for misspelt names: "did you mean 'password_file'?".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mosq::spec {

// Optimal string alignment distance (insertions, deletions, substitutions and
// transpositions of adjacent characters each cost 1), ASCII case-insensitive.
int edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, when it is close enough to be a likely
// typo: a case-only difference always is; otherwise the distance allowed
// grows with the length (1 up to 5 characters, 2 up to 8, then 3). Names of
// one or two characters ("C", "ST") only match by case. Ties go to the
// earlier candidate.
std::optional<std::string> did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace mosq::spec
