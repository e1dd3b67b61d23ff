#!/usr/bin/env bash
# Writes each fuzz target's seed corpus under OUT/<target>/:
#   spec_loader    the specs the tests load (tests/data) and the example
#   yaml_block_reader  the same specs
#   password_file  fuzz/seeds/password_file (lines the tests use)
#   acl_file       fuzz/seeds/acl_file (rendered, hand-written, refused lines)
#   state_file     fuzz/seeds/state_file (what render_tool_state writes)
#   pem            keys and certificates of every shape observe meets, made
#                  here with openssl (no private key is committed), each as
#                  PEM text and as DER for the target's armouring modes
# Usage: fuzz/make_seeds.sh OUT
set -euo pipefail
out=${1:?usage: fuzz/make_seeds.sh OUT}
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"

rm -rf "$out/spec_loader" "$out/yaml_block_reader" "$out/password_file" "$out/acl_file" "$out/state_file"
mkdir -p "$out/spec_loader"
for f in "$src"/tests/data/good_specs/*.yaml "$src"/tests/data/bad_specs/*.yaml; do
  cp "$f" "$out/spec_loader/$(basename "$(dirname "$f")")-$(basename "$f")"
done
cp "$src/examples/broker.yaml" "$out/spec_loader/example-broker.yaml"
cp -r "$out/spec_loader" "$out/yaml_block_reader"
cp -r "$src/fuzz/seeds/password_file" "$src/fuzz/seeds/acl_file" "$src/fuzz/seeds/state_file" "$out/"

# PEM seeds take a few seconds (RSA key generation): made once per OUT.
pem=$out/pem
[ -f "$pem/.done" ] && exit 0
rm -rf "$pem"
mkdir -p "$pem"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=pass:fuzz-passphrase  # the target opens encrypted keys with this one

# seed NAME MODE FILE: the target's first byte is the mode (0: PEM text as
# is; 1: DER certificate; 2: DER PKCS#8; 3: DER encrypted PKCS#8; 4: DER
# legacy RSA key; 5: DER legacy EC key), the file's bytes follow.
seed() { { printf "\\x$(printf %02x "$2")"; cat "$3"; } > "$pem/$1"; }

keys=(rsa2048:RSA:rsa_keygen_bits:2048 rsa1024:RSA:rsa_keygen_bits:1024
      ec-p256:EC:ec_paramgen_curve:P-256 ec-p384:EC:ec_paramgen_curve:P-384
      ec-p521:EC:ec_paramgen_curve:P-521 ed25519:ED25519 ed448:ED448 x25519:X25519)
for spec in "${keys[@]}"; do
  IFS=: read -r name algorithm option value <<<"$spec"
  key=$work/$name.key
  if [ -n "${option:-}" ]; then
    openssl genpkey -algorithm "$algorithm" -pkeyopt "$option:$value" -out "$key" 2>/dev/null
  else
    openssl genpkey -algorithm "$algorithm" -out "$key" 2>/dev/null
  fi
  seed "key-$name.pem" 0 "$key"
  openssl pkey -in "$key" -outform DER -out "$work/$name.der"
  seed "key-$name.der" 2 "$work/$name.der"
  # Encrypted PKCS#8, one PBKDF2 iteration so the target stays fast.
  openssl pkcs8 -topk8 -in "$key" -v2 aes-256-cbc -iter 1 -passout "$pass" -out "$work/$name.enc"
  seed "key-$name-encrypted.pem" 0 "$work/$name.enc"
  openssl pkcs8 -topk8 -in "$key" -v2 aes-256-cbc -iter 1 -passout "$pass" -outform DER \
    -out "$work/$name.enc.der"
  seed "key-$name-encrypted.der" 3 "$work/$name.enc.der"
done
# Legacy ("traditional") keys, plain and DES3-encrypted as `openssl genrsa -des3` writes.
openssl rsa -in "$work/rsa2048.key" -traditional -out "$work/rsa-legacy.pem" 2>/dev/null
seed key-rsa2048-legacy.pem 0 "$work/rsa-legacy.pem"
openssl rsa -in "$work/rsa2048.key" -traditional -des3 -passout "$pass" -out "$work/rsa-legacy-enc.pem" 2>/dev/null
seed key-rsa2048-legacy-encrypted.pem 0 "$work/rsa-legacy-enc.pem"
openssl rsa -in "$work/rsa2048.key" -traditional -outform DER -out "$work/rsa-legacy.der" 2>/dev/null
seed key-rsa2048-legacy.der 4 "$work/rsa-legacy.der"
openssl ec -in "$work/ec-p256.key" -out "$work/ec-legacy.pem" 2>/dev/null
seed key-ec-p256-legacy.pem 0 "$work/ec-legacy.pem"
openssl ec -in "$work/ec-p256.key" -outform DER -out "$work/ec-legacy.der" 2>/dev/null
seed key-ec-p256-legacy.der 5 "$work/ec-legacy.der"
openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:1024 -out "$work/dsa.param" 2>/dev/null
openssl genpkey -paramfile "$work/dsa.param" -out "$work/dsa.key" 2>/dev/null
seed key-dsa1024.pem 0 "$work/dsa.key"

# Certificates: a CA, a server and a client certificate as the tool issues
# them, a v1 certificate (no extensions), names of every SAN type, and a
# file with a second certificate appended.
cat > "$work/ext.cnf" <<'CNF'
[ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:broker.example, DNS:localhost, IP:127.0.0.1, IP:::1, email:ops@example.com, URI:https://broker.example/, RID:1.2.3.4, dirName:dir_sect, otherName:1.2.3.4;UTF8:other
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:sensor-7
[dir_sect]
CN = directory name
O = Example
CNF
openssl req -x509 -new -key "$work/rsa2048.key" -subj "/C=JP/ST=Tokyo/O=Example/OU=Ops/CN=Example CA/emailAddress=ca@example.com" \
  -days 3650 -extensions ca -config "$work/ext.cnf" -out "$work/ca.crt" 2>/dev/null
openssl req -new -key "$work/ec-p256.key" -subj "/CN=broker.example/O=Example" -out "$work/server.csr" 2>/dev/null
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.crt" -CAkey "$work/rsa2048.key" -CAcreateserial \
  -days 825 -extfile "$work/ext.cnf" -extensions server -out "$work/server.crt" 2>/dev/null
openssl req -new -key "$work/ed25519.key" -subj "/CN=sensor-7/O=Example" -out "$work/client.csr" 2>/dev/null
openssl x509 -req -in "$work/client.csr" -CA "$work/ca.crt" -CAkey "$work/rsa2048.key" -CAcreateserial \
  -days 825 -extfile "$work/ext.cnf" -extensions client -out "$work/client.crt" 2>/dev/null
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.crt" -CAkey "$work/rsa2048.key" -CAcreateserial \
  -days 30 -out "$work/v1.crt" 2>/dev/null
openssl req -x509 -new -key "$work/ec-p384.key" -subj "/CN=Ünïcödé CA/O=Example" -utf8 \
  -days 1 -out "$work/utf8.crt" 2>/dev/null
for c in ca server client v1 utf8; do
  seed "cert-$c.pem" 0 "$work/$c.crt"
  openssl x509 -in "$work/$c.crt" -outform DER -out "$work/$c.der"
  seed "cert-$c.der" 1 "$work/$c.der"
done
cat "$work/server.crt" "$work/ca.crt" > "$work/chain.pem"
seed cert-chain.pem 0 "$work/chain.pem"
{ echo "subject=/CN=broker.example"; cat "$work/server.crt"; } > "$work/text-before.pem"
seed cert-text-before.pem 0 "$work/text-before.pem"
cat "$work/server.crt" "$work/ec-p256.key" > "$work/cert-and-key.pem"
seed cert-and-key.pem 0 "$work/cert-and-key.pem"
touch "$pem/.done"
