// FrameEncoder frames sent over TCP to a real carbon-cache and read back from whisper; the
// harness's whisper reader cross-checked with whisper-fetch; restarts on the same ports; and
// graphite-web rendering what carbon wrote.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "graphite/encoder.h"
#include "test_common/carbon.h"
#include "test_common/graphite_web.h"
#include "test_common/subprocess.h"

namespace vs::graphite {
namespace {

using std::chrono::seconds;
using testing::CarbonCache;
using testing::WhisperPoint;

// Connects to 127.0.0.1:port, writes everything, closes.
bool SendAll(uint16_t port, const std::string& data) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  size_t off = 0;
  while (ok && off < data.size()) {
    ssize_t n = send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0)
      ok = false;
    else
      off += static_cast<size_t>(n);
  }
  close(fd);
  return ok;
}

struct Series {
  std::string path;
  std::vector<WhisperPoint> points;
};

// `metrics` series of `n` points each, one per second from `t0`, with varied values.
std::vector<Series> MakeSeries(const std::string& prefix, int metrics, int n, int64_t t0) {
  std::vector<Series> out;
  for (int m = 0; m < metrics; ++m) {
    Series s;
    s.path = prefix + ".m" + std::to_string(m);
    if (m == 0) s.path = prefix + ".caf\xc3\xa9";  // UTF-8 path
    for (int i = 0; i < n; ++i) {
      double v = (i % 3 == 0) ? i * 1000 + m : std::sin(i * 0.1 + m) * 1e6 / 3;
      if (i == 1) v = -0.125;
      if (i == 2) v = 1e300;
      s.points.push_back({t0 + i, v});
    }
    out.push_back(std::move(s));
  }
  return out;
}

// Encodes every point with a small frame limit so that many frames are needed.
std::string Encode(Protocol proto, const std::vector<Series>& all, size_t max, size_t* frames) {
  FrameEncoder enc(proto, max);
  std::string wire;
  *frames = 0;
  for (size_t i = 0; i < all[0].points.size(); ++i) {
    for (const auto& s : all) {
      const auto& p = s.points[i];
      if (!enc.Append(s.path, static_cast<double>(p.timestamp), p.value)) {
        wire += enc.Finish();
        ++*frames;
        EXPECT_TRUE(enc.Append(s.path, static_cast<double>(p.timestamp), p.value));
      }
    }
  }
  wire += enc.Finish();
  ++*frames;
  return wire;
}

void ExpectLanded(CarbonCache& carbon, const std::vector<Series>& all) {
  for (const auto& s : all) {
    auto got = carbon.WaitForPoints(s.path, s.points.size(), seconds(60));
    ASSERT_EQ(got.size(), s.points.size()) << s.path << "\n"
                                           << testing::TailOfFile(carbon.log_path());
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i].timestamp, s.points[i].timestamp) << s.path;
      ASSERT_EQ(got[i].value, s.points[i].value) << s.path << " at " << got[i].timestamp;
    }
  }
}

TEST(CarbonIntegrationTest, PickleAndPlaintextFramesLandInWhisper) {
  CarbonCache carbon;
  Status st = carbon.Start();
  ASSERT_TRUE(st.ok()) << st.ToString();

  // Pickle: fixed old timestamps (the harness's retention accepts them), 64 frames or more.
  auto pickled = MakeSeries("vs.test.pickle", 8, 200, 1700000000);
  size_t frames = 0;
  std::string wire = Encode(Protocol::kPickle, pickled, 2048, &frames);
  EXPECT_GE(frames, 20u);
  ASSERT_TRUE(SendAll(carbon.pickle_port(), wire));

  // Plaintext: current timestamps.
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  auto lines = MakeSeries("vs.test.line", 4, 100, now - 600);
  wire = Encode(Protocol::kPlaintext, lines, 1500, &frames);
  EXPECT_GE(frames, 10u);
  ASSERT_TRUE(SendAll(carbon.line_port(), wire));

  ExpectLanded(carbon, pickled);
  ExpectLanded(carbon, lines);

  auto metrics = carbon.ListMetrics();
  std::vector<std::string> want;
  for (const auto& s : pickled) want.push_back(s.path);
  for (const auto& s : lines) want.push_back(s.path);
  std::sort(want.begin(), want.end());
  EXPECT_EQ(metrics, want);

  // The harness's reader agrees with whisper-fetch (Debian python3-whisper) point by point.
  // --json, whose values are Python reprs (exact), unlike the "%f" of the text output.
  for (const auto& s : {pickled[0], lines[1]}) {
    int rc = -1;
    std::string out = testing::Run(
        "/usr/bin/whisper-fetch --json --from=" + std::to_string(s.points.front().timestamp - 5) +
            " --until=" + std::to_string(s.points.back().timestamp + 5) + " '" +
            carbon.WhisperFile(s.path) + "' 2>&1",
        &rc);
    ASSERT_EQ(rc, 0) << out;
    auto field = [&out](const std::string& name) {
      size_t p = out.find("\"" + name + "\" : ");
      return p == std::string::npos ? 0 : std::strtoll(out.c_str() + p + name.size() + 5, 0, 10);
    };
    int64_t ts = field("start"), step = field("step");
    ASSERT_EQ(step, 1) << out;
    size_t p = out.find('[');
    ASSERT_NE(p, std::string::npos) << out;
    std::vector<WhisperPoint> fetched;
    for (++p; p < out.size() && out[p] != ']'; ts += step) {
      char* end = nullptr;
      double v = std::strtod(out.c_str() + p, &end);
      if (end == out.c_str() + p) {  // null
        end = const_cast<char*>(out.c_str()) + out.find_first_of(",]", p);
      } else {
        fetched.push_back({ts, v});
      }
      p = end - out.c_str();
      if (out[p] == ',') p += 2;
    }
    auto mine = carbon.ReadSeries(s.path);
    ASSERT_TRUE(mine.ok());
    EXPECT_EQ(fetched.size(), s.points.size());
    EXPECT_EQ(fetched, *mine) << s.path;
  }
  EXPECT_FALSE(carbon.ReadSeries("no.such.metric").ok());
  EXPECT_EQ(carbon.ReadSeries("no.such.metric").status().code(), Code::kNotFound);
}

TEST(CarbonIntegrationTest, KillAndRestartOnSamePortsKeepsData) {
  CarbonCache carbon;
  ASSERT_TRUE(carbon.Start().ok());
  const uint16_t pickle = carbon.pickle_port(), line = carbon.line_port();
  auto first = MakeSeries("vs.restart.a", 2, 30, 1700001000);
  size_t frames;
  ASSERT_TRUE(SendAll(pickle, Encode(Protocol::kPickle, first, 4096, &frames)));
  ExpectLanded(carbon, first);

  carbon.Kill();
  EXPECT_FALSE(carbon.running());
  EXPECT_FALSE(testing::PortOpen(pickle));
  Status st = carbon.Start();
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(carbon.pickle_port(), pickle);
  EXPECT_EQ(carbon.line_port(), line);

  auto second = MakeSeries("vs.restart.b", 2, 30, 1700002000);
  ASSERT_TRUE(SendAll(pickle, Encode(Protocol::kPickle, second, 4096, &frames)));
  ExpectLanded(carbon, second);
  ExpectLanded(carbon, first);  // still there after the kill

  st = carbon.Restart();
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(carbon.pickle_port(), pickle);
  EXPECT_EQ(carbon.ListMetrics().size(), 4u);
  ASSERT_TRUE(carbon.Stop().ok());
  EXPECT_FALSE(carbon.running());
}

// A frame at carbon's own limit (1 MiB of payload) is accepted whole: the default limit
// shovel can use is safe, and the header is not counted twice.
TEST(CarbonIntegrationTest, FrameAtCarbonsLimitIsAccepted) {
  CarbonCache carbon;
  ASSERT_TRUE(carbon.Start().ok());
  auto all = MakeSeries("vs.limit.series.with.a.longer.path", 50, 700, 1700010000);
  FrameEncoder enc(Protocol::kPickle, kCarbonMaxPickleLength + 4);
  std::string first;
  std::string rest;
  for (size_t i = 0; i < all[0].points.size(); ++i) {
    for (const auto& s : all) {
      const auto& p = s.points[i];
      if (!enc.Append(s.path, static_cast<double>(p.timestamp), p.value)) {
        (first.empty() ? first : rest) += enc.Finish();
        ASSERT_TRUE(enc.Append(s.path, static_cast<double>(p.timestamp), p.value));
      }
    }
  }
  rest += enc.Finish();
  // The first frame is within a point of the limit.
  ASSERT_LE(first.size(), kCarbonMaxPickleLength + 4);
  ASSERT_GT(first.size(), kCarbonMaxPickleLength + 4 - 100);
  ASSERT_TRUE(SendAll(carbon.pickle_port(), first + rest));
  ExpectLanded(carbon, all);
}

TEST(GraphiteWebIntegrationTest, RendersPngAndJsonOfWhatCarbonWrote) {
  CarbonCache carbon;
  ASSERT_TRUE(carbon.Start().ok());
  // A sine wave over ten minutes ending now, one point per second.
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  int64_t t0 = now - 600;
  FrameEncoder enc(Protocol::kPickle, kCarbonMaxPickleLength);
  std::map<int64_t, double> want;
  for (int i = 0; i < 600; ++i) {
    double v = 50 + 40 * std::sin(i * 2 * M_PI / 200);
    ASSERT_TRUE(enc.Append("vs.render.sine", static_cast<double>(t0 + i), v));
    want[t0 + i] = v;
  }
  ASSERT_TRUE(SendAll(carbon.pickle_port(), enc.Finish()));
  ASSERT_EQ(carbon.WaitForPoints("vs.render.sine", 600, seconds(60)).size(), 600u);

  testing::GraphiteWeb web({carbon.whisper_dir(), 0});
  Status st = web.Start();
  ASSERT_TRUE(st.ok()) << st.ToString();

  auto png = web.RenderPng("vs.render.sine", t0 - 10, now + 1);
  ASSERT_TRUE(png.ok()) << png.status().ToString();
  EXPECT_TRUE(testing::IsPng(*png));
  EXPECT_GT(png->size(), 5000u);  // a plotted line; an empty graph is smaller
  if (const char* out = std::getenv("VS_RENDER_PNG_OUT")) testing::WriteFile(out, *png);

  auto empty = web.RenderPng("no.such.metric", t0 - 10, now + 1);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(testing::IsPng(*empty));
  EXPECT_LT(empty->size(), png->size());

  auto json = web.RenderJson("vs.render.sine", t0 - 1, t0 + 599);
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  // Every [value, timestamp] pair parses back to exactly what was sent (graphite-web prints
  // Python's repr, the shortest round-trip form).
  size_t pairs = 0, pos = json->find("\"datapoints\"");
  ASSERT_NE(pos, std::string::npos) << *json;
  while ((pos = json->find('[', pos + 1)) != std::string::npos) {
    char* end = nullptr;
    double v = std::strtod(json->c_str() + pos + 1, &end);
    if (end == json->c_str() + pos + 1) continue;  // not a number: "[[" or "[null"
    int64_t ts = std::strtoll(end + 1, nullptr, 10);
    ASSERT_TRUE(want.count(ts)) << ts;
    EXPECT_EQ(v, want[ts]) << ts;
    ++pairs;
  }
  EXPECT_EQ(pairs, 600u);
  EXPECT_EQ(json->find("null"), std::string::npos);  // every second of the range is filled
}

// scripts/lib/graphite.sh, as the demo uses it, driven by tests/graphite/graphite_sh_check.sh.
TEST(GraphiteShellLibraryTest, StartsCarbonAndWebRendersAndStops) {
  testing::TempDir dir;
  int rc = -1;
  std::string out = testing::Run("bash " + testing::SourceDir() +
                                     "/tests/graphite/graphite_sh_check.sh " + dir.path() + " 2>&1",
                                 &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("count 120\n"), std::string::npos) << out;
  EXPECT_NE(out.find(" 95.0\n"), std::string::npos) << out;  // latest of the saw-tooth
  EXPECT_NE(out.find("old 1700000000 2.5\n"), std::string::npos) << out;
  EXPECT_NE(out.find("metrics vs.sh.test.old vs.sh.test.wave \n"), std::string::npos) << out;
  EXPECT_NE(out.find("\"datapoints\": [[95.0, "), std::string::npos) << out;
  EXPECT_NE(out.find("all stopped"), std::string::npos) << out;
  std::string png = testing::ReadFile(dir.File("render.png"));
  EXPECT_TRUE(testing::IsPng(png));
  EXPECT_GT(png.size(), 5000u);
}

}  // namespace
}  // namespace vs::graphite
