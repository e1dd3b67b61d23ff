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

}  // namespace mosq::spec
