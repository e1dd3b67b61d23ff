// Standard base64 (RFC 4648 section 4: "+/" alphabet, '=' padding), the
// encoding Mosquitto uses for password salts and hashes.
//
// Decoding is strict: the length must be a multiple of 4, padding may only
// close the text, no whitespace or line breaks, and the unused bits before
// the padding must be zero. So every accepted text is the one encoding of
// its bytes, and base64_encode(*base64_decode(t)) == t.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mosq::crypto {

std::string base64_encode(const unsigned char* data, std::size_t size);
std::string base64_encode(const std::vector<unsigned char>& data);

// The decoded bytes, or nullopt when text is not strict standard base64.
// The empty text decodes to no bytes.
std::optional<std::vector<unsigned char>> base64_decode(std::string_view text);

// The bytes Mosquitto's own decoder gets from text: OpenSSL's base64 BIO
// without line breaks, as Mosquitto 2.0 reads password salts and hashes
// (src/password_mosq.c). It is laxer than base64_decode (the unused bits
// of the last digit are ignored: "...nx==" reads as "...nw=="), and a
// reader that must keep every user the broker keeps has to be exactly as
// lax. nullopt when it yields no bytes.
std::optional<std::vector<unsigned char>> base64_decode_as_mosquitto(std::string_view text);

}  // namespace mosq::crypto
