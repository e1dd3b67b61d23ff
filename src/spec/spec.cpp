#include "spec/spec.h"

namespace mosq::spec {

std::string_view tls_version_name(TlsVersion version) {
  switch (version) {
    case TlsVersion::tlsv1_1:
      return "tlsv1.1";
    case TlsVersion::tlsv1_2:
      return "tlsv1.2";
    case TlsVersion::tlsv1_3:
      return "tlsv1.3";
  }
  return "tlsv1.2";
}

std::string_view acl_access_name(AclAccess access) {
  switch (access) {
    case AclAccess::read:
      return "read";
    case AclAccess::write:
      return "write";
    case AclAccess::readwrite:
      return "readwrite";
    case AclAccess::deny:
      return "deny";
  }
  return "deny";
}

}  // namespace mosq::spec
