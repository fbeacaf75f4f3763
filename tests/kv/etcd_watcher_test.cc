// The etcd watcher against a real etcd 3.4 started by the test (loopback, free ports, temp
// data dir): initial value, changes, delete, a watch that starts below the compacted
// revision, and etcd killed and restarted.
#include "kv/etcd_watcher.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "common/http_client.h"
#include "common/net.h"
#include "kv/base64.h"
#include "kv/recorder.h"
#include "test_common/subprocess.h"

namespace vs::kv {
namespace {

using std::chrono::milliseconds;
using testing::Recorder;
using vs::testing::Subprocess;
using vs::testing::TempDir;
using vs::testing::WaitFor;

constexpr char kKey[] = "service/voltha/data/core/assignment";
constexpr auto kTimeout = milliseconds(15000);

// A CA, and a server and a client certificate for 127.0.0.1 signed by it, made with the
// openssl CLI (EC P-256, valid one day).
bool MakeCertificates(const TempDir& dir) {
  std::string cmd =
      "cd '" + dir.path() +
      "' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
      " -keyout ca.key -out ca.pem -days 1 -subj /CN=test-ca"
      " && printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth,clientAuth\\n'"
      " > ext.cnf && for n in server client; do"
      " openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
      " -keyout $n.key -out $n.csr -subj /CN=$n &&"
      " openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
      " -out $n.pem -days 1 -extfile ext.cnf || exit 1; done 2>/dev/null";
  int rc = -1;
  vs::testing::Run(cmd, &rc);
  return rc == 0;
}

class Etcd {
 public:
  // tls: https on the client port, client certificates required (--client-cert-auth).
  explicit Etcd(bool tls = false) : tls_(tls) {
    client_port_ = *FreeLoopbackPort();
    peer_port_ = *FreeLoopbackPort();
  }
  ~Etcd() { Kill(); }
  bool Start() {
    std::string client =
        (tls_ ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(client_port_);
    std::string peer = "http://127.0.0.1:" + std::to_string(peer_port_);
    std::vector<std::string> argv = {"etcd",
                                     "--name",
                                     "t",
                                     "--data-dir",
                                     dir_.File("data"),
                                     "--listen-client-urls",
                                     client,
                                     "--advertise-client-urls",
                                     client,
                                     "--listen-peer-urls",
                                     peer,
                                     "--initial-advertise-peer-urls",
                                     peer,
                                     "--initial-cluster",
                                     "t=" + peer};
    if (tls_) {
      if (!certs_made_ && !(certs_made_ = MakeCertificates(dir_))) return false;
      argv.insert(argv.end(),
                  {"--cert-file", dir_.File("server.pem"), "--key-file", dir_.File("server.key"),
                   "--client-cert-auth", "--trusted-ca-file", dir_.File("ca.pem")});
    }
    bool started = proc_.Start(argv, dir_.File("etcd.log"));
    if (!started) return false;
    // Up when the gateway answers a read.
    return WaitFor([&] { return Post("/v3/kv/range", "{\"key\":\"eA==\"}").ok(); }, kTimeout,
                   milliseconds(50));
  }
  void Kill() {
    proc_.Signal(SIGKILL);
    proc_.Wait(milliseconds(5000));
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(client_port_); }
  StatusOr<std::string> Post(const std::string& path, const std::string& body) {
    HttpRequest req;
    req.method = "POST";
    req.url = (tls_ ? "https://" : "http://") + address() + path;
    req.body = body;
    if (tls_) req.ca_file = dir_.File("ca.pem");
    if (tls_) req.cert_file = dir_.File("client.pem");
    if (tls_) req.key_file = dir_.File("client.key");
    req.timeout = std::chrono::seconds(5);
    auto resp = HttpCall(req);
    if (!resp.ok()) return resp.status();
    if (resp->status != 200) return Unavailable("HTTP " + std::to_string(resp->status));
    return resp->body;
  }
  // Returns the header revision of the put.
  void Put(const std::string& value) {
    auto r = Post("/v3/kv/put", "{\"key\":\"" + Base64Encode(kKey) + "\",\"value\":\"" +
                                    Base64Encode(value) + "\"}");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  void Delete() {
    auto r = Post("/v3/kv/deleterange", "{\"key\":\"" + Base64Encode(kKey) + "\"}");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  int64_t Revision() {
    auto r = Post("/v3/kv/range", "{\"key\":\"" + Base64Encode(kKey) + "\"}");
    if (!r.ok()) return -1;
    auto parsed = ParseEtcdRange(*r, kKey);
    return parsed.ok() ? parsed->revision : -1;
  }
  std::string log() const { return vs::testing::ReadFile(dir_.File("etcd.log")); }
  std::string File(const std::string& name) const { return dir_.File(name); }

 private:
  bool tls_;
  bool certs_made_ = false;
  TempDir dir_;
  uint16_t client_port_ = 0;
  uint16_t peer_port_ = 0;
  Subprocess proc_;
};

std::unique_ptr<Watcher> MakeEtcdWatcher(const std::string& address, const TlsOptions& tls = {}) {
  WatcherOptions o;
  o.kind = StoreKind::kEtcd;
  o.address = address;
  o.tls = tls;
  o.key = kKey;
  o.pacing = {milliseconds(100), milliseconds(500)};
  auto w = MakeWatcher(o);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  return std::move(*w);
}

class EtcdWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(etcd_.Start()) << etcd_.log(); }
  Etcd etcd_;
};

TEST_F(EtcdWatcherTest, InitialValueChangesDeleteAndStop) {
  etcd_.Put("v1");
  auto w = MakeEtcdWatcher(etcd_.address());
  auto got = w->Get();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->value, "v1");
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v1"); }, kTimeout));
  etcd_.Put("v2");
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v2"); }, kTimeout));
  etcd_.Put("");  // an empty value is a value
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, ""); }, kTimeout));
  etcd_.Delete();
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(false); }, kTimeout));
  etcd_.Put("v3");
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v3"); }, kTimeout));
  etcd_.Put("v3");  // the same bytes again: not a new observation
  etcd_.Put("v4");
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v4"); }, kTimeout));
  EXPECT_LT(rec.Stop(), milliseconds(1000)) << "stop aborts the open watch stream";
  std::vector<std::string> seen;
  for (const auto& o : rec.values()) seen.push_back(o.exists ? "+" + o.value : "-");
  EXPECT_EQ(seen, (std::vector<std::string>{"+v1", "+v2", "+", "-", "+v3", "+v4"}));
  EXPECT_TRUE(rec.errors().empty());
  EXPECT_EQ(rec.values().back().version, std::to_string(etcd_.Revision()));
}

TEST_F(EtcdWatcherTest, MissingKeyThenCreated) {
  auto w = MakeEtcdWatcher(etcd_.address());
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(false); }, kTimeout));
  etcd_.Put("{}");
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "{}"); }, kTimeout));
}

TEST_F(EtcdWatcherTest, AWatchBelowTheCompactedRevisionReadsAgain) {
  etcd_.Put("v1");
  // Hold the watcher in its first callback (after the read, before the watch starts) while
  // the key changes and the history is compacted past the revision it will watch from.
  std::mutex mu;
  std::condition_variable cv;
  bool held = false, release = false;
  auto w = MakeEtcdWatcher(etcd_.address());
  Recorder rec(w.get(), [&](const Observation&) {
    std::unique_lock lock(mu);
    if (held) return;
    held = true;
    cv.notify_all();
    cv.wait_for(lock, kTimeout, [&] { return release; });  // bounded: a failed test must end
  });
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, kTimeout, [&] { return held; }));
  }
  etcd_.Put("v2");
  etcd_.Put("v3");
  int64_t rev = etcd_.Revision();
  auto c = etcd_.Post("/v3/kv/compaction", "{\"revision\":\"" + std::to_string(rev) + "\"}");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v3"); }, kTimeout));
  EXPECT_TRUE(rec.errors().empty()) << rec.errors()[0].ToString();
  // And the new watch works.
  etcd_.Put("v4");
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "v4"); }, kTimeout));
  EXPECT_TRUE(rec.errors().empty());
  // v2 was compacted away: seeing it would mean the history was replayed, not read again.
  std::vector<std::string> seen;
  for (const auto& o : rec.values()) seen.push_back(o.value);
  EXPECT_EQ(seen, (std::vector<std::string>{"v1", "v3", "v4"}));
}

TEST_F(EtcdWatcherTest, SurvivesEtcdKilledAndRestarted) {
  etcd_.Put("before");
  auto w = MakeEtcdWatcher(etcd_.address());
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "before"); }, kTimeout));
  etcd_.Kill();
  ASSERT_TRUE(WaitFor([&] { return rec.errors().size() >= 2; }, kTimeout))
      << "the broken stream and the failed reconnects are reported";
  EXPECT_TRUE(rec.LastIs(true, "before")) << "an outage is not a deletion";
  ASSERT_TRUE(etcd_.Start()) << etcd_.log();
  etcd_.Put("after");
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "after"); }, kTimeout));
  size_t errors = rec.errors().size();
  etcd_.Put("after2");
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "after2"); }, kTimeout));
  EXPECT_EQ(rec.errors().size(), errors) << "healthy again";
}

TEST_F(EtcdWatcherTest, StopWhileEtcdIsDown) {
  auto w = MakeEtcdWatcher(etcd_.address());
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(false); }, kTimeout));
  etcd_.Kill();
  ASSERT_TRUE(WaitFor([&] { return !rec.errors().empty(); }, kTimeout));
  EXPECT_LT(rec.Stop(), milliseconds(1000));
}

TEST(EtcdWatcherTlsTest, WatchesOverTlsWithAClientCertificate) {
  Etcd etcd(/*tls=*/true);
  ASSERT_TRUE(etcd.Start()) << etcd.log();
  etcd.Put("secure");
  TlsOptions tls;
  tls.ca_file = etcd.File("ca.pem");
  tls.cert_file = etcd.File("client.pem");
  tls.key_file = etcd.File("client.key");
  auto w = MakeEtcdWatcher(etcd.address(), tls);  // no scheme: TLS options make it https
  Recorder rec(w.get());
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "secure"); }, kTimeout));
  etcd.Put("secure2");
  ASSERT_TRUE(WaitFor([&] { return rec.LastIs(true, "secure2"); }, kTimeout));
  EXPECT_TRUE(rec.errors().empty());

  // Without the client certificate the server refuses; without the CA the client does.
  TlsOptions no_cert;
  no_cert.ca_file = tls.ca_file;
  auto refused = MakeEtcdWatcher(etcd.address(), no_cert)->Get();
  EXPECT_FALSE(refused.ok());
  TlsOptions no_ca;
  no_ca.cert_file = tls.cert_file;
  no_ca.key_file = tls.key_file;
  auto unverified = MakeEtcdWatcher(etcd.address(), no_ca)->Get();
  EXPECT_FALSE(unverified.ok());
}

}  // namespace
}  // namespace vs::kv
