// Redaction of secrets: the one place that decides what of a command line or a URL is never
// printed, stored or exported. Every command line (as argv or as text), every URL and every
// quoted server answer passes through redact_secrets before it is shown or recorded.
//
// What is masked (the value becomes ***, the name stays so that the line still reads):
//   - the value of an option named like a secret: --token=X, --token X, --password=X,
//     --api-key X, --auth X (in argv form the word after such an option);
//   - `Authorization:`, `X-Api-Key:` and `Api-Key:` headers;
//   - environment settings NAME=VALUE whose name ends in TOKEN, SECRET, PASSWORD, API_KEY,
//     _PWD, _auth, _authToken, _password (npm's .npmrc keys among them);
//   - URL credentials (https://user:PASS@host) and URL query credentials, any case:
//     api_key, apikey, api-key, key, access_key, private_key, client_secret, subscription-key,
//     token, access_token and every *_token / *-token, sig, signature (X-Amz-Signature),
//     password, passwd, pwd, secret, credential, auth;
//   - libpq conninfo and form data: password=X, passwd=X after a space or a quote;
//   - password options of the tools that take one: -pSECRET after mysql, mariadb and their
//     tools (mysqldump, mysqladmin, mariadb-dump, ... : every program whose name starts with
//     mysql or mariadb), -p SECRET / -pSECRET after sshpass, -a SECRET / -aSECRET after
//     redis-cli. A -p elsewhere (pnpm -r -p, ssh -p 22, docker -p 8080:80) is left alone, and
//     so is `mysql -p DB` (mysql reads it as "ask for the password", DB as the database);
//   - well-known key prefixes: sk-, sk_, hf_, ghp_, gho_, github_pat_, npm_, xoxb-, xoxp-.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace farm::core {

// A command line or any text (a URL, a message quoting a server): secrets masked.
std::string redact_secrets(std::string_view text);

// A command as argv: the same, plus the word after a secret option (`--token X`, `sshpass -p X`).
std::vector<std::string> redact_secrets(const std::vector<std::string>& argv);

} // namespace farm::core
