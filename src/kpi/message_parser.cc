// The message parser: simdjson's DOM (which validates the whole document, UTF-8 included) for
// the JSON shapes, a hand-written line splitter for Graphite plaintext. Shapes, rules and
// decisions are in docs/KPI_FORMATS.md; this file says why the code looks the way it does.
#include "kpi/message_parser.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kpi/message_parser_impl.h"
#include "kpi/path_rules.h"

namespace vs::kpi {
namespace {

// Buffers grown by one huge message are given back afterwards, so that one 10 MB message
// does not pin ~100 MB of simdjson tape for the life of the process.
constexpr size_t kKeepCapacity = 1 << 20;

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// simdjson splits scalars at whitespace, structural characters and quotes.
bool IsTokenEnd(char c) {
  switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '{':
    case '}':
    case '[':
    case ']':
    case ',':
    case ':':
    case '"':
      return true;
    default:
      return false;
  }
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view t) {
  size_t i = 0, n = t.size();
  if (i < n && t[i] == '-') ++i;
  if (i >= n) return false;
  if (t[i] == '0') {
    ++i;
  } else if (IsDigit(t[i])) {
    while (i < n && IsDigit(t[i])) ++i;
  } else {
    return false;
  }
  if (i < n && t[i] == '.') {
    ++i;
    if (i >= n || !IsDigit(t[i])) return false;
    while (i < n && IsDigit(t[i])) ++i;
  }
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    if (i >= n || !IsDigit(t[i])) return false;
    while (i < n && IsDigit(t[i])) ++i;
  }
  return i == n;
}

// Reads a number as std::from_chars does (locale-independent, unlike strtod), but gives +-inf on
// overflow and +-0 on underflow, which from_chars reports alike as out of range without a value.
// False when s is not wholly a number.
bool ReadDouble(std::string_view s, double* out) {
  const char* end = s.data() + s.size();
  auto r = std::from_chars(s.data(), end, *out, std::chars_format::general);
  if (r.ptr != end) return false;
  if (r.ec == std::errc()) return true;
  if (r.ec != std::errc::result_out_of_range) return false;
  // Which way: the decimal exponent of the first significant digit (the value is either above
  // 1e308 or below 1e-307, so its sign decides).
  const bool negative = s[0] == '-';
  const size_t mantissa_end = std::min(s.find_first_of("eE"), s.size());
  const size_t point = std::min(s.find('.'), mantissa_end);
  const size_t first = s.find_first_of("123456789");
  int64_t e10 = first < point ? static_cast<int64_t>(point - first) - 1
                              : -static_cast<int64_t>(first - point);
  if (mantissa_end < s.size()) {
    std::string_view exp = s.substr(mantissa_end + 1);
    const bool exp_negative = !exp.empty() && exp[0] == '-';
    if (!exp.empty() && (exp[0] == '-' || exp[0] == '+')) exp.remove_prefix(1);
    int64_t e = 0;
    if (std::from_chars(exp.data(), exp.data() + exp.size(), e).ec != std::errc()) {
      e = int64_t{1} << 40;  // more digits than an int64 holds: only its sign matters
    }
    e10 += exp_negative ? -e : e;
  }
  const double magnitude = e10 >= 0 ? HUGE_VAL : 0.0;
  *out = negative ? -magnitude : magnitude;
  return true;
}

// Bounded writer into the padded buffer (the rewrite never grows the document; the bound is
// a second line of defence).
struct Writer {
  char* data;
  size_t cap;
  size_t len = 0;
  bool Put(std::string_view s) {
    if (s.size() > cap - len) return false;
    std::memcpy(data + len, s.data(), s.size());
    len += s.size();
    return true;
  }
};

// Rewrites one valid JSON number token that simdjson may refuse: a non-finite value (1e400)
// becomes null, so the datapoint is skipped as a bad value and the message survives; an
// integer beyond 64 bits (finite as a double) becomes <digits>e<exp> with the shortest digits
// that round-trip, which is never longer than the original (>= 19 digits vs <= 17 + "e" + 3).
bool PutNumber(std::string_view token, Writer* w) {
  const bool integer = token.find_first_of(".eE") == std::string_view::npos;
  if (integer) {
    const char* end = token.data() + token.size();
    if (token[0] == '-') {
      int64_t v;
      if (std::from_chars(token.data(), end, v).ec == std::errc()) return w->Put(token);
    } else {
      uint64_t v;
      if (std::from_chars(token.data(), end, v).ec == std::errc()) return w->Put(token);
    }
  }
  double d;
  if (!ReadDouble(token, &d)) return false;
  if (!std::isfinite(d)) return w->Put("null");
  if (!integer) return w->Put(token);
  char sci[64];
  auto r = std::to_chars(sci, sci + sizeof(sci), d, std::chars_format::scientific);
  std::string_view s(sci, static_cast<size_t>(r.ptr - sci));  // "-1.8446744073709552e+19"
  size_t e = s.find('e');
  char out[64];
  size_t o = 0, digits = 0;
  for (size_t i = 0; i < e; ++i) {
    if (s[i] == '.') continue;
    out[o++] = s[i];
    if (IsDigit(s[i])) ++digits;
  }
  int exp10 = 0;
  std::from_chars(s.data() + e + 1 + (s[e + 1] == '+'), s.data() + s.size(), exp10);
  exp10 -= static_cast<int>(digits) - 1;
  out[o++] = 'e';
  auto r2 = std::to_chars(out + o, out + sizeof(out), exp10);
  return w->Put(std::string_view(out, static_cast<size_t>(r2.ptr - out)));
}

// Copies the document into w, rewriting the number tokens simdjson refuses (see PutNumber).
// Token boundaries match simdjson's, and a rewritten token is again a single JSON value, so an
// invalid document stays invalid. Returns false when a token that starts like a number is not
// one (e.g. "-Infinity", "01", "1.") or the output does not fit.
bool RewriteNumbers(std::string_view in, Writer* w) {
  size_t i = 0;
  const size_t n = in.size();
  while (i < n) {
    const char c = in[i];
    size_t j = i + 1;
    if (c == '"') {
      while (j < n && in[j] != '"') j += in[j] == '\\' ? 2 : 1;
      j = std::min(j + 1, n);
      if (!w->Put(in.substr(i, j - i))) return false;
    } else if (IsTokenEnd(c)) {
      if (!w->Put(in.substr(i, 1))) return false;
    } else {
      while (j < n && !IsTokenEnd(in[j])) ++j;
      std::string_view token = in.substr(i, j - i);
      if (c == '-' || IsDigit(c)) {
        if (!IsJsonNumber(token) || !PutNumber(token, w)) return false;
      } else if (!w->Put(token)) {
        return false;
      }
    }
    i = j;
  }
  return true;
}

// The common plaintext numbers ("1700000000", "-12.5") exactly and quickly: at most 15
// significant digits fit a double exactly, and one correctly rounded division by an exact power
// of ten then gives the correctly rounded result (Clinger's fast path). Anything else: false.
bool FastDecimal(std::string_view s, double* out) {
  size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) ++i;
  uint64_t mantissa = 0;
  int digits = 0, fraction = -1;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (IsDigit(c)) {
      mantissa = mantissa * 10 + static_cast<uint64_t>(c - '0');
      ++digits;
      if (fraction >= 0) ++fraction;
    } else if (c == '.' && fraction < 0) {
      fraction = 0;
    } else {
      return false;
    }
  }
  if (digits == 0 || digits > 15) return false;
  *out = ExactDecimal(mantissa, fraction > 0 ? static_cast<size_t>(fraction) : 0, negative);
  return true;
}

// A number for a plaintext field: what std::from_chars reads (an optional '+' too), fully
// consumed; out of range gives +-inf (overflow) or +-0 (underflow).
bool ParseTextNumber(std::string_view s, double* out) {
  if (FastDecimal(s, out)) return true;
  if (s.size() > 1 && s[0] == '+' && s[1] != '-') s.remove_prefix(1);
  return ReadDouble(s, out);
}

// Blanks that separate plaintext fields (Python's str.split() set without '\n'). Most bytes
// are above ' ' and cost one compare.
bool IsTextSpace(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= ' ' && (u == ' ' || (u >= '\t' && u <= '\r' && u != '\n'));
}

// The first blank in [p, end), or end. The vector loop may look at bytes past `end` (the next
// lines) but never past `limit`, the end of the message.
const char* FindBlank(const char* p, const char* end, const char* limit) {
#if defined(__SSE2__)
  while (p < end && limit - p >= 16) {
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i blank = _mm_or_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8(' ')),
                                       _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8('\t' - 1)),
                                                     _mm_cmpgt_epi8(_mm_set1_epi8('\r' + 1), c)));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(blank));
    if (mask != 0) return std::min(p + __builtin_ctz(mask), end);  // '\n' only ever at end
    p += 16;
  }
#endif
  while (p < end && !IsTextSpace(*p)) ++p;
  return p;
}

}  // namespace

const char* MessageRejectName(MessageReject r) {
  switch (r) {
    case MessageReject::kNone:
      return "none";
    case MessageReject::kInvalidJson:
      return "invalid_json";
    case MessageReject::kNotObject:
      return "not_object";
    case MessageReject::kNotSlice:
      return "not_slice";
    case MessageReject::kTooLarge:
      return "too_large";
    case MessageReject::kTooDeep:
      return "too_deep";
    case MessageReject::kCount:
      break;
  }
  return "unknown";
}

const char* PointSkipName(PointSkip s) {
  switch (s) {
    case PointSkip::kBadTimestamp:
      return "bad_timestamp";
    case PointSkip::kBadValue:
      return "bad_value";
    case PointSkip::kEmptyPath:
      return "empty_path";
    case PointSkip::kPathTooLong:
      return "path_too_long";
    case PointSkip::kMalformedLine:
      return "malformed_line";
    case PointSkip::kBadShape:
      return "bad_shape";
    case PointSkip::kCount:
      break;
  }
  return "unknown";
}

ParseStats MessageParser::Impl::Parse(std::string_view message, DatapointBatch* batch) {
  ParseStats result;
  stats = &result;
  out = batch;
  ResetPath();
  if (message.size() > max_message_bytes) {
    result.reject = MessageReject::kTooLarge;
    return result;
  }
  size_t i = 0;
  while (i < message.size() && IsJsonSpace(message[i])) ++i;
  if (i < message.size() && message[i] == '{' && fast_path) {
    const size_t start = batch->size();
    if (FastJson(message)) {
      result.fast_path = true;
      ReleaseIfLarge(message.size());
      return result;
    }
    batch->Truncate(start);  // the fast path gave up: start over on the full parser
    result = ParseStats();
    ResetPath();
  }
  if (i < message.size() && (message[i] == '{' || message[i] == '[')) {
    result.reject = ParseJson(message);
    ReleaseIfLarge(message.size());
  } else {
    ParseText(message);
  }
  return result;
}

char* MessageParser::Impl::Padded(size_t len) {
  if (!buf || buf_capacity < len) {
    size_t cap = std::max(len, size_t{4096});
    buf.reset(new char[cap + simdjson::SIMDJSON_PADDING]);
    buf_capacity = cap;
  }
  return buf.get();
}

void MessageParser::Impl::ReleaseIfLarge(size_t len) {
  if (len <= kKeepCapacity) return;
  parser = dom::parser(ParserCapacity());
  buf.reset();
  buf_capacity = 0;
  std::vector<ContextItem>().swap(context);  // a huge context object may have grown it
}

MessageReject MessageParser::Impl::ParseJson(std::string_view message) {
  char* data = Padded(message.size());
  std::memcpy(data, message.data(), message.size());
  std::memset(data + message.size(), 0, simdjson::SIMDJSON_PADDING);
  dom::element root;
  auto err = parser.parse(data, message.size(), false).get(root);
  if (err == simdjson::NUMBER_ERROR) {
    // Valid JSON numbers simdjson refuses (1e400, 2^64) must not sink the message: rewrite
    // them and parse again; the second parse validates the whole document once more.
    Writer w{data, buf_capacity};
    if (!RewriteNumbers(message, &w)) return MessageReject::kInvalidJson;
    std::memset(data + w.len, 0, simdjson::SIMDJSON_PADDING);
    err = parser.parse(data, w.len, false).get(root);
  }
  if (err == simdjson::DEPTH_ERROR) return MessageReject::kTooDeep;
  if (err == simdjson::CAPACITY || err == simdjson::MEMALLOC) return MessageReject::kTooLarge;
  if (err) return MessageReject::kInvalidJson;

  dom::object top;
  if (root.get_object().get(top)) return MessageReject::kNotObject;
  // One pass over the top level; a repeated key takes its last value (as Python's json did).
  dom::element type, ts_el, data_el, prefixes_el, slice_el;
  bool has_type = false, has_ts = false, has_data = false, has_prefixes = false, has_slice = false;
  for (dom::key_value_pair field : top) {
    if (field.key == "type") {
      type = field.value;
      has_type = true;
    } else if (field.key == "ts") {
      ts_el = field.value;
      has_ts = true;
    } else if (field.key == "data") {
      data_el = field.value;
      has_data = true;
    } else if (field.key == "prefixes") {
      prefixes_el = field.value;
      has_prefixes = true;
    } else if (field.key == "slice_data") {
      slice_el = field.value;
      has_slice = true;
    }
  }
  std::string_view type_name;
  if (!has_type || type.get_string().get(type_name) || type_name != "slice") {
    return MessageReject::kNotSlice;
  }
  // NaN marks a missing or bad ts; each datapoint that needs it is skipped as bad_timestamp.
  double ts = NAN;
  if (has_ts && (ts_el.get_double().get(ts) || !GoodTimestamp(ts))) ts = NAN;
  if (has_data) ParseData(data_el, ts);
  if (has_prefixes) ParsePrefixes(prefixes_el, ts);
  if (has_slice) ParseSliceData(slice_el, ts);
  if (!has_data && !has_prefixes && !has_slice) Skip(PointSkip::kBadShape);
  return MessageReject::kNone;
}

// Shape 1: "data": {"<object path>": {"<metric>": <number>}}.
void MessageParser::Impl::ParseData(dom::element data, double ts) {
  dom::object entries;
  if (data.get_object().get(entries)) return Skip(PointSkip::kBadShape);
  for (dom::key_value_pair entry : entries) {
    dom::object metrics;
    if (entry.value.get_object().get(metrics)) {
      Skip(PointSkip::kBadShape);
      continue;
    }
    path.Truncate(prefix_len);
    path.AppendLevels(entry.key);
    const size_t mark = path.size();
    for (dom::key_value_pair m : metrics) Point<true>(m.value, ts, mark, m.key);
  }
}

// Shape 2: "prefixes": {"<path>": {"metrics": {"<metric>": <number>}}}.
void MessageParser::Impl::ParsePrefixes(dom::element prefixes, double ts) {
  dom::object entries;
  if (prefixes.get_object().get(entries)) return Skip(PointSkip::kBadShape);
  for (dom::key_value_pair entry : entries) {
    dom::object body, metrics;
    bool found = false;
    if (!entry.value.get_object().get(body)) {
      for (dom::key_value_pair f : body) {
        if (f.key == "metrics") found = !f.value.get_object().get(metrics);
      }
    }
    if (!found) {
      Skip(PointSkip::kBadShape);
      continue;
    }
    path.Truncate(prefix_len);
    path.AppendLevels(entry.key);
    const size_t mark = path.size();
    for (dom::key_value_pair m : metrics) Point<true>(m.value, ts, mark, m.key);
  }
}

// Shape 3: "slice_data": [{"metadata": {...}, "metrics": {"<metric>": <number>}}].
void MessageParser::Impl::ParseSliceData(dom::element slice_data, double ts) {
  dom::array entries;
  if (slice_data.get_array().get(entries)) return Skip(PointSkip::kBadShape);
  for (dom::element entry : entries) {
    dom::object body, metadata, metrics;
    bool has_metadata = false, has_metrics = false;
    if (!entry.get_object().get(body)) {
      for (dom::key_value_pair f : body) {
        if (f.key == "metadata") {
          has_metadata = !f.value.get_object().get(metadata);
        } else if (f.key == "metrics") {
          has_metrics = !f.value.get_object().get(metrics);
        }
      }
    }
    double entry_ts = ts;
    path.Truncate(prefix_len);
    if (!has_metadata || !has_metrics || !SliceEntryPath(metadata, &entry_ts)) {
      Skip(PointSkip::kBadShape);
      continue;
    }
    const size_t mark = path.size();
    for (dom::key_value_pair m : metrics) Point<false>(m.value, entry_ts, mark, m.key);
  }
}

// Appends <title>.<device id>.<context values sorted by key> to the path and applies
// metadata.ts. Each part is one component (its dots become '_'). False on a wrong type.
bool MessageParser::Impl::SliceEntryPath(dom::object metadata, double* ts) {
  std::string_view title, device_id, logical_device_id;
  dom::object ctx;
  bool has_ctx = false;
  // A field that is absent or null counts as empty; any other non-string breaks the entry.
  auto get_string = [](dom::element e, std::string_view* s) {
    return e.is_null() || !e.get_string().get(*s);
  };
  for (dom::key_value_pair f : metadata) {
    if (f.key == "title") {
      if (!get_string(f.value, &title)) return false;
    } else if (f.key == "device_id") {
      if (!get_string(f.value, &device_id)) return false;
    } else if (f.key == "logical_device_id") {
      if (!get_string(f.value, &logical_device_id)) return false;
    } else if (f.key == "context") {
      has_ctx = !f.value.is_null();
      if (has_ctx && f.value.get_object().get(ctx)) return false;
    } else if (f.key == "ts") {
      double v;
      if (!f.value.get_double().get(v) && GoodTimestamp(v)) *ts = v;
    }
  }
  path.AppendComponent(title);
  path.AppendComponent(device_id.empty() ? logical_device_id : device_id);
  if (!has_ctx) return true;
  context.clear();
  for (dom::key_value_pair f : ctx) {
    std::string_view v;
    if (!get_string(f.value, &v)) return false;
    context.push_back({f.key, v, context.size()});
  }
  AppendContext();
  return true;
}

void MessageParser::Impl::AppendContext() {
  // Sorted by key; a repeated key keeps its last value.
  std::sort(context.begin(), context.end(), [](const ContextItem& a, const ContextItem& b) {
    return a.key != b.key ? a.key < b.key : a.order < b.order;
  });
  for (size_t i = 0; i < context.size(); ++i) {
    if (i + 1 < context.size() && context[i + 1].key == context[i].key) continue;
    path.AppendComponent(context[i].value);
  }
}

// Shape 4: Graphite plaintext, "path value timestamp" per line (fields split on blanks, as
// carbon's line receiver does). Blank lines are ignored.
void MessageParser::Impl::ParseText(std::string_view message) {
  const char* limit = message.data() + message.size();
  while (!message.empty()) {
    size_t nl = message.find('\n');
    ParseLine(message.substr(0, nl), limit);
    if (nl == std::string_view::npos) break;
    message.remove_prefix(nl + 1);
  }
}

void MessageParser::Impl::ParseLine(std::string_view line, const char* limit) {
  std::string_view fields[3];
  size_t count = 0;
  const char* p = line.data();
  const char* end = p + line.size();
  while (p < end) {
    while (p < end && IsTextSpace(*p)) ++p;
    if (p == end) break;
    const char* field_end = FindBlank(p, end, limit);
    if (count == 3) return Skip(PointSkip::kMalformedLine);
    fields[count++] = std::string_view(p, static_cast<size_t>(field_end - p));
    p = field_end;
  }
  if (count == 0) return;
  if (count != 3) return Skip(PointSkip::kMalformedLine);
  double value, ts;
  if (!ParseTextNumber(fields[1], &value) || !std::isfinite(value)) {
    return Skip(PointSkip::kBadValue);
  }
  if (!ParseTextNumber(fields[2], &ts) || !GoodTimestamp(ts)) {
    return Skip(PointSkip::kBadTimestamp);
  }
  path.Truncate(prefix_len);
  path.AppendLevels(fields[0]);
  if (path.too_long()) return Skip(PointSkip::kPathTooLong);
  if (path.size() == prefix_len) return Skip(PointSkip::kEmptyPath);
  out->Add(path.view(), ts, value);
  ++stats->added;
}

MessageParser::MessageParser(size_t max_message_bytes, std::string_view prefix)
    : impl_(std::make_unique<Impl>(max_message_bytes, prefix)) {}

MessageParser::~MessageParser() = default;

ParseStats MessageParser::Parse(std::string_view message, DatapointBatch* out) {
  return impl_->Parse(message, out);
}

void MessageParser::set_fast_path(bool on) { impl_->fast_path = on; }

}  // namespace vs::kpi
