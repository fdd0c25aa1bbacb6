#include "farm/core/redact.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace farm::core;

using Argv = std::vector<std::string>;

TEST_CASE("core::redact_secrets masks secrets in text") {
    CHECK(redact_secrets("curl -H 'Authorization: Bearer abc.def.ghi' x") ==
          "curl -H 'Authorization: Bearer ***' x");
    CHECK(redact_secrets("tool --token=s3cr3t --verbose") == "tool --token=*** --verbose");
    CHECK(redact_secrets("//registry.npmjs.org/:_authToken=npm_abcdefghijkl") ==
          "//registry.npmjs.org/:_authToken=***");
    CHECK(redact_secrets("git clone https://user:hunter2@example.com/r.git") ==
          "git clone https://user:***@example.com/r.git");
    CHECK(redact_secrets("OPENAI_API_KEY=sk-abcdefghijklmnop node a.js") ==
          "OPENAI_API_KEY=*** node a.js");
    CHECK(redact_secrets("echo sk-abcdefghijklmnopqrst") == "echo sk-***");
    // Ordinary command lines are left alone.
    CHECK(redact_secrets("pnpm --filter web run build") == "pnpm --filter web run build");
    CHECK(redact_secrets("sleep 0.1") == "sleep 0.1");
}

TEST_CASE("core::redact_secrets masks the value after a secret option in argv") {
    std::vector<std::string> argv = {"tool", "--api-key", "abc123", "--out", "x"};
    std::vector<std::string> expected = {"tool", "--api-key", "***", "--out", "x"};
    CHECK(redact_secrets(argv) == expected);
    std::vector<std::string> inline_value = {"tool", "--password=abc"};
    CHECK(redact_secrets(inline_value)[1] == "--password=***");
}

TEST_CASE("core::redact_secrets masks mysql-style -pVALUE passwords after the program") {
    CHECK(redact_secrets("mysql -uroot -psecret mydb") == "mysql -uroot -p*** mydb");
    CHECK(redact_secrets("/usr/bin/mysqldump -h db -pS3cr3t! shop > x.sql") ==
          "/usr/bin/mysqldump -h db -p*** shop > x.sql");
    CHECK(redact_secrets("mariadb-admin -p'sec ret' ping") == "mariadb-admin -p*** ping");
    CHECK(redact_secrets("mysqladmin -p\"a b\" status") == "mysqladmin -p*** status");
    CHECK(redact_secrets("sh -c 'mysql -psecret -e \"select 1\"'") ==
          "sh -c 'mysql -p*** -e \"select 1\"'");
    CHECK(redact_secrets("sh -c 'mysql -psecret' && ls") == "sh -c 'mysql -p***' && ls");
    CHECK(redact_secrets("mysql -ppassword123 mydb") == "mysql -p*** mydb");
    CHECK(redact_secrets("sshpass -p hunter2 ssh host") == "sshpass -p *** ssh host");
    CHECK(redact_secrets("sshpass -phunter2 ssh host") == "sshpass -p*** ssh host");
    CHECK(redact_secrets("redis-cli -a hunter2 ping") == "redis-cli -a *** ping");
    CHECK(redact_secrets("MYSQL_PWD=hunter2 mysql db") == "MYSQL_PWD=*** mysql db");
    CHECK(redact_secrets("PGPASSWORD=hunter2 psql -h db") == "PGPASSWORD=*** psql -h db");
    CHECK(redact_secrets("psql 'host=db password=hunter2 dbname=x'") ==
          "psql 'host=db password=*** dbname=x'");
    CHECK(redact_secrets("mysql --password=hunter2 db") == "mysql --password=*** db");
}

TEST_CASE("core::redact_secrets leaves -p alone where it is no password") {
    for (const char* line : {
             "pnpm -r -p build",
             "pnpm -r --parallel run build",
             "ssh -p 22 host",
             "docker run -p8080:80 nginx",
             "docker run -p 8080:80 mysql",
             "mysql -p mydb",      // mysql asks for the password; mydb is the database
             "mysql -P3306 -h db", // -P is the port
             "mysql --port=3306 db",
             "echo mysql; cp -pR a b", // a new command after ;
             "mkdir -p build/out",
             "python3 -m http.server 8000",
             "PWD=/tmp OLDPWD=/ make",
             "node --max-old-space-size=4096 a.js",
         }) {
        INFO(std::string(line));
        CHECK(redact_secrets(line) == line);
    }
}

TEST_CASE("core::redact_secrets masks credentials in URL queries, any case") {
    CHECK(redact_secrets("https://api.example.com/v1?api_key=abc123&model=x") ==
          "https://api.example.com/v1?api_key=***&model=x");
    CHECK(redact_secrets("http://h/p?model=x&APIKEY=abc123") == "http://h/p?model=x&APIKEY=***");
    CHECK(redact_secrets("http://h/p?key=abc#frag") == "http://h/p?key=***#frag");
    CHECK(redact_secrets("http://h/p?token=a&access_token=b&refresh_token=c") ==
          "http://h/p?token=***&access_token=***&refresh_token=***");
    CHECK(redact_secrets(
              "https://b.s3.amazonaws.com/o?X-Amz-Credential=AK%2F1&X-Amz-Signature=f00") ==
          "https://b.s3.amazonaws.com/o?X-Amz-Credential=***&X-Amz-Signature=***");
    CHECK(redact_secrets("https://x.blob.core.windows.net/c?sv=2020&sig=abc%3D") ==
          "https://x.blob.core.windows.net/c?sv=2020&sig=***");
    CHECK(redact_secrets("http://h/?password=p&secret=s&client_secret=c&pwd=w") ==
          "http://h/?password=***&secret=***&client_secret=***&pwd=***");
    CHECK(redact_secrets("curl 'http://h/?Subscription-Key=abc' -o x") ==
          "curl 'http://h/?Subscription-Key=***' -o x");
    CHECK(redact_secrets("http://user:pw@h:9091/metrics?token=t") ==
          "http://user:***@h:9091/metrics?token=***");
}

TEST_CASE("core::redact_secrets leaves innocent URL queries alone") {
    for (const char* url : {
             "http://127.0.0.1:11434/api/tags",
             "http://h/search?q=keyboard&page=2&sort=name",
             "http://h/?monkey=1&keys=2&sigma=3&tokenizer=bpe&author=me",
             "http://h/?key",
             "http://h/?api_key=",
         }) {
        INFO(std::string(url));
        CHECK(redact_secrets(url) == url);
    }
}

TEST_CASE("core::redact_secrets on argv masks password words after the program only") {
    CHECK(redact_secrets(Argv{"mysql", "-uroot", "-psecret", "db"}) ==
          Argv{"mysql", "-uroot", "-p***", "db"});
    CHECK(redact_secrets(Argv{"docker", "exec", "db", "mysql", "-pS3cret", "-e", "select 1"}) ==
          Argv{"docker", "exec", "db", "mysql", "-p***", "-e", "select 1"});
    // -ppassword... once made the next word the secret and kept the password itself.
    CHECK(redact_secrets(Argv{"mysql", "-ppassword1", "db"}) == Argv{"mysql", "-p***", "db"});
    CHECK(redact_secrets(Argv{"sshpass", "-p", "hunter2", "ssh", "h"}) ==
          Argv{"sshpass", "-p", "***", "ssh", "h"});
    CHECK(redact_secrets(Argv{"redis-cli", "-ahunter2", "ping"}) ==
          Argv{"redis-cli", "-a***", "ping"});
    CHECK(redact_secrets(Argv{"sh", "-c", "mysql -psecret db"}) ==
          Argv{"sh", "-c", "mysql -p*** db"});
    CHECK(redact_secrets(Argv{"curl", "https://h/v1?api_key=abc"}) ==
          Argv{"curl", "https://h/v1?api_key=***"});
    for (const Argv& innocent : {Argv{"pnpm", "-r", "-p", "build"}, Argv{"ssh", "-p", "22", "h"},
                                 Argv{"mysql", "-p", "mydb"}, Argv{"mkdir", "-p", "out"},
                                 Argv{"docker", "run", "-p8080:80", "mysql"}}) {
        CHECK(redact_secrets(innocent) == innocent);
    }
}
