// A value that must never be printed: a password, a passphrase, a private
// key's PEM. It has no stream operator (streaming one does not compile), no
// implicit conversion, and wipes its memory when destroyed. Reading it takes
// an explicit reveal(), which is easy to grep for.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

namespace mosq {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : m_value(std::move(value)) {}
  Secret(const Secret& other) : m_value(other.m_value) {}
  Secret(Secret&& other) noexcept : m_value(std::move(other.m_value)) { other.wipe(); }
  Secret& operator=(const Secret& other);
  Secret& operator=(Secret&& other) noexcept;
  ~Secret() { wipe(); }

  const std::string& reveal() const { return m_value; }
  bool empty() const { return m_value.empty(); }
  std::size_t size() const { return m_value.size(); }

  friend bool operator==(const Secret& a, const Secret& b);
  friend bool operator!=(const Secret& a, const Secret& b) { return !(a == b); }
  friend std::ostream& operator<<(std::ostream&, const Secret&) = delete;

 private:
  void wipe() noexcept;
  std::string m_value;
};

}  // namespace mosq
