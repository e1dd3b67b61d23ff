#!/usr/bin/env bash
# Makes the fleet's one CA, once, on the control node:
#   files/fleet-ca.crt            the CA certificate (public: commit it)
#   group_vars/brokers/vault.yml  its key and the users' passwords,
#                                 encrypted with Ansible Vault
# The key is never written in clear: it goes from openssl to ansible-vault
# through pipes. Usage: bash make-fleet-ca.sh VAULT_PASSWORD_FILE
set -euo pipefail
cd "$(dirname "$0")"
vault_password_file=${1:?usage: make-fleet-ca.sh VAULT_PASSWORD_FILE}
cert=files/fleet-ca.crt
vault=group_vars/brokers/vault.yml
if [ -e "$cert" ] || [ -e "$vault" ]; then
  echo "make-fleet-ca.sh: $cert or $vault exists: the fleet CA is made once; remove both to start over" >&2
  exit 1
fi
umask 077
key=$(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256)
printf '%s\n' "$key" | openssl req -x509 -new -key /dev/stdin -sha256 -days 3650 \
  -subj "/O=Example/CN=Example MQTT Fleet CA" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$cert"
chmod 0644 "$cert"
{
  echo "vault_mqtt_ca_key: |"
  printf '%s\n' "$key" | sed 's/^/  /'
  echo "vault_mqtt_passwords:"
  echo "  MQTT_PASSWORD_SENSOR_1: \"$(openssl rand -hex 16)\""
  echo "  MQTT_PASSWORD_DASHBOARD: \"$(openssl rand -hex 16)\""
} | ansible-vault encrypt --vault-password-file "$vault_password_file" --output "$vault" 2>/dev/null
key=""
echo "make-fleet-ca.sh: made $cert and $vault (edit the passwords with: ansible-vault edit $vault)"
