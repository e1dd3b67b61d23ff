// PkiIssuer through apply_plan: every key and certificate is made before
// the first file is written, so one that cannot be made leaves every file
// as it was.
#include <catch2/catch.hpp>

#include "apply/applier.h"
#include "support/fake_host.h"
#include "support/plan_fixture.h"
#include "support/temp_dir.h"
#include "util/digest.h"

using namespace mosq;
using namespace mosq::test;

TEST_CASE("a certificate that cannot be made stops the apply before its CA key is written",
          "[apply][pki]") {
  TempDir dir;
  const Root root(dir.path());
  const spec::Spec spec = example_spec();
  observe::Observed observed = in_sync(spec);
  // The CA key file holds garbage: the plan replaces it, reissues the CA
  // certificate and the server certificate under the new key, and keeps
  // the server key, which is not on disk: the server certificate cannot
  // be made (its key cannot be read).
  const std::string garbage = "not a key\n";
  const std::string ca_key_file = dir.path() + spec.tls->ca.key_path;
  make_dirs(dir.path() + spec.tls->dir);
  write_file(ca_key_file, garbage, 0600);
  observe::ObservedKey& ca_key = observed.pki->ca_key;
  ca_key.status = crypto::KeyLoadStatus::corrupt;
  ca_key.type.reset();
  ca_key.file.digest = sha256_hex(garbage);
  const plan::Plan plan = plan_for(spec, observed);
  REQUIRE(find_change(plan, plan::ResourceKind::ca_key).action == plan::Action::replace);
  REQUIRE(find_change(plan, plan::ResourceKind::server_certificate).action == plan::Action::replace);
  REQUIRE(find_change(plan, plan::ResourceKind::server_key).action == plan::Action::no_op);

  observe::ResolvedSecrets secrets;
  observe::CaKey found;
  found.origin = observe::CaKeyOrigin::file;
  found.name = spec.tls->ca.key_path;
  found.field = "tls.ca.key";
  found.present = true;
  secrets.ca_key = std::move(found);
  FakeHost host;
  const apply::ApplyReport report =
      apply::apply_plan(plan, spec, secrets, real_file_system(), host, root,
                        [](const std::string&) { return std::optional<std::string>(); }, k_now, {});
  REQUIRE(report.error);
  CHECK(report.error->find(spec.tls->server.key_path + ": cannot read the key") != std::string::npos);
  CHECK(report.files_written == 0);
  CHECK(read_file(ca_key_file) == garbage);
  CHECK_FALSE(real_file_system().stat(root.host_path(spec.tls->ca.cert_path), LastLink::not_followed).exists());
}
