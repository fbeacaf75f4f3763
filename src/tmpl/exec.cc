// The executor: text/template/exec.go over our tree and Value model.
#include <algorithm>
#include <iterator>
#include <memory>
#include <span>

#include "tmpl/builtins.h"
#include "tmpl/gofmt.h"
#include "tmpl/template.h"
#include "tmpl/tree.h"

namespace vs::tmpl {

struct Template::Impl {
  internal::TreeSet set;
};

bool CallContext::FirstCall(std::string_view key) {
  for (const auto& s : seen_)
    if (s == key) return false;
  seen_.emplace_back(key);
  return true;
}

const Function* FuncMap::Find(const std::string& name) const {
  auto it = funcs_.find(name);
  return it == funcs_.end() ? nullptr : &it->second;
}
const Signature* FuncMap::FindSignature(const std::string& name) const {
  auto it = sigs_.find(name);
  return it == sigs_.end() ? nullptr : &it->second;
}

namespace internal {
namespace {

enum class Flow { kNormal, kBreak, kContinue, kError };

const Signature& BuiltinSignature(int id) {
  static const Signature kVarAny{{ArgType::kAny}, true};  // print, html, ...
  // Go's builtins other than the print family take reflect.Values.
  static const Signature kOnePlus{{ArgType::kValue, ArgType::kValue}, true};  // and, eq, index
  static const Signature kOne{{ArgType::kValue}, false};
  static const Signature kTwo{{ArgType::kValue, ArgType::kValue}, false};
  static const Signature kPrintfSig{{ArgType::kString, ArgType::kAny}, true};
  switch (id) {
    case kAnd:
    case kOr:
    case kIndex:
    case kSlice:
    case kEq:
    case kCall:
      return kOnePlus;
    case kNot:
    case kLen:
      return kOne;
    case kNe:
    case kLt:
    case kLe:
    case kGt:
    case kGe:
      return kTwo;
    case kPrintf:
      return kPrintfSig;
    default:
      return kVarAny;
  }
}

const char* ArgTypeName(ArgType t) {
  switch (t) {
    case ArgType::kString:
      return "string";
    case ArgType::kInt:
      return "int";
    case ArgType::kBool:
      return "bool";
    default:
      return "interface {}";
  }
}

const std::vector<Operand> kNoArgs;
const Value kMissing;

class Exec {
  struct Var {
    std::string_view name;
    Value value;
    bool iface = false;          // an element of a []any or map, from `range`
    const Value* ref = nullptr;  // set: the value is *ref (a range element), not `value`
  };

 public:
  Exec(const TreeSet& set, std::string* out, const Template::Limits& limits)
      : set_(set), out_(out), limits_(limits) {
    ctx_.max_output = limits.max_output;
  }

  Status Run(const Value& data) {
    auto it = set_.trees.find(set_.name);
    if (it == set_.trees.end()) {
      return InvalidArgument("template: " + set_.name + ": \"" + set_.name +
                             "\" is an incomplete or empty template");
    }
    tree_ = it->second.get();
    // A nil interface as the data is Go's invalid reflect.Value: fields of it are missing.
    const Value& root = data.is_nil() ? kMissing : data;
    vars_.push_back({"$", root});
    Walk(root, tree_->root, false);
    return err_;
  }

 private:
  // ---- errors ----
  // Go's format: the location, the executing template, the node's text, the reason.
  Flow FailAt(int loc, const std::string& ctx, const std::string& msg) {
    if (err_.ok()) {
      err_ = InvalidArgument("template: " + Location(set_, loc) + ": executing \"" + tree_->name +
                             "\" at <" + ctx + ">: " + msg);
    }
    return Flow::kError;
  }
  Flow Fail(int pos, int end, const std::string& msg, int loc = -1) {
    std::string ctx;
    if (end > pos && static_cast<size_t>(end) <= set_.text.size()) {
      ctx = set_.text.substr(pos, end - pos);
    }
    return FailAt(loc >= 0 ? loc : pos, ctx, msg);
  }
  // The source extent of a pipeline (for its error context).
  std::string PipeText(const Pipe& p) const {
    if (p.cmds.empty() || p.cmds.back().args.empty()) return "";
    int end = p.cmds.back().args.back().end;
    int pos = p.cmds.front().args.front().pos;
    if (end > pos && static_cast<size_t>(end) <= set_.text.size()) {
      return set_.text.substr(pos, end - pos);
    }
    return "";
  }
  bool FailB(int pos, int end, const std::string& msg) {
    Fail(pos, end, msg);
    return false;
  }
  bool FailOp(const Operand& op, const std::string& msg) {
    Fail(op.pos, op.end, msg, op.loc);
    return false;
  }

  std::string OpText(const Operand& op) const {
    if (op.end > op.pos && static_cast<size_t>(op.end) <= set_.text.size())
      return set_.text.substr(op.pos, op.end - op.pos);
    return "";
  }

  bool CheckOutput() {
    if (out_->size() > limits_.max_output) {
      return FailB(0, 0,
                   "output exceeds the limit of " + std::to_string(limits_.max_output) + " bytes");
    }
    return true;
  }

  // ---- variables ----
  // *iface: the variable holds an element of a []any or map (Go's static type interface {}).
  bool VarValue(const Operand& op, Value* out, bool* iface = nullptr) {
    const Var* v = FindVar(op.name);
    if (v == nullptr) return FailOp(op, "undefined variable: " + std::string(op.name));
    *out = v->ref ? *v->ref : v->value;
    if (iface) *iface = v->iface;
    return true;
  }
  const Var* FindVar(std::string_view name) const {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (SameBytes(vars_[i].name, name)) return &vars_[i];
    }
    return nullptr;
  }
  bool SetVar(std::string_view name, const Value& v, const Pipe& pipe) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].name == name) {
        vars_[i].value = v;
        vars_[i].ref = nullptr;
        vars_[i].iface = false;
        return true;
      }
    }
    if (!pipe.cmds.empty() && !pipe.cmds.back().args.empty()) {
      return FailOp(pipe.cmds.back().args.back(), "undefined variable: " + std::string(name));
    }
    return FailB(pipe.pos, pipe.pos, "undefined variable: " + std::string(name));
  }

  // ---- walking ----
  // iface: dot is an element of a []any or a map, as `range` gives it: Go's reflect.Value of
  // static type interface {} (which only error messages show).
  Flow Walk(const Value& dot, const std::vector<Node>& list, bool iface) {
    if (++nesting_ > limits_.max_nesting) {
      return Fail(list.empty() ? 0 : list[0].pos, 0, "template nesting too deep");
    }
    bool saved_iface = dot_iface_;
    dot_iface_ = iface;
    Flow f = Flow::kNormal;
    for (const Node& n : list) {
      f = WalkNode(dot, n);
      if (f != Flow::kNormal) break;
    }
    dot_iface_ = saved_iface;
    nesting_--;
    return f;
  }

  Flow WalkNode(const Value& dot, const Node& n) {
    if (++steps_ > limits_.max_steps) return Fail(n.pos, n.pos, "execution step limit exceeded");
    switch (n.type) {
      case NodeType::kText:
        out_->append(n.text);
        if (!CheckOutput()) return Flow::kError;
        return Flow::kNormal;
      case NodeType::kAction: {
        if (n.pipe.decl.empty() && n.pipe.cmds.size() == 1) {
          // print/printf/println straight into the output: no intermediate string.
          const Command& cmd = n.pipe.cmds[0];
          const Operand& f = cmd.args[0];
          if (f.type == OpType::kIdentifier && f.func == nullptr &&
              (f.builtin == kPrintf || f.builtin == kPrint || f.builtin == kPrintln)) {
            Value unused;
            if (!EvalCall(dot, f, cmd.args, 1, nullptr, &unused, nullptr, out_)) {
              return Flow::kError;
            }
            return CheckOutput() ? Flow::kNormal : Flow::kError;
          }
        }
        const Value* simple;
        bool ok;
        if (SimplePipeline(dot, n.pipe, &simple, &ok)) {
          if (!ok) return Flow::kError;
          if (simple == nullptr) {
            out_->append("<no value>");
          } else {
            gofmt::Print(*simple, out_);
          }
          return CheckOutput() ? Flow::kNormal : Flow::kError;
        }
        Value v;
        if (!EvalPipeline(dot, &n.pipe, &v)) return Flow::kError;
        if (n.pipe.decl.empty()) {
          if (v.kind() == Value::Kind::kInvalid) {
            out_->append("<no value>");
          } else {
            gofmt::Print(v, out_);
          }
          if (!CheckOutput()) return Flow::kError;
        }
        return Flow::kNormal;
      }
      case NodeType::kIf:
      case NodeType::kWith: {
        if (n.type == NodeType::kIf) {
          const Value* simple;
          bool ok;
          if (SimplePipeline(dot, n.pipe, &simple, &ok)) {
            if (!ok) return Flow::kError;
            size_t mark = vars_.size();
            Flow f = Flow::kNormal;
            if (simple != nullptr && IsTrue(*simple)) {
              f = Walk(dot, n.list, dot_iface_);
            } else if (n.has_else) {
              f = Walk(dot, n.else_list, dot_iface_);
            }
            vars_.resize(mark);
            return f;
          }
        }
        size_t mark = vars_.size();
        Value v;
        if (!EvalPipeline(dot, &n.pipe, &v)) return Flow::kError;
        Flow f = Flow::kNormal;
        if (IsTrue(v)) {
          f = n.type == NodeType::kWith ? Walk(v, n.list, false) : Walk(dot, n.list, dot_iface_);
        } else if (n.has_else) {
          f = Walk(dot, n.else_list, dot_iface_);
        }
        vars_.resize(mark);
        return f;
      }
      case NodeType::kRange:
        return WalkRange(dot, n);
      case NodeType::kTemplate:
        return WalkTemplate(dot, n);
      case NodeType::kBreak:
        return Flow::kBreak;
      case NodeType::kContinue:
        return Flow::kContinue;
    }
    return Flow::kNormal;
  }

  Flow WalkRange(const Value& dot, const Node& n) {
    size_t outer = vars_.size();
    Value val;
    if (!EvalPipeline(dot, &n.pipe, &val)) return Flow::kError;
    size_t mark = vars_.size();
    size_t ndecl = n.pipe.decl.size();
    // Elements of a []any or map are interface values in Go; of a []string, strings.
    bool iface = !val.is_string_list();
    auto one = [&](const Value& index, const Value& elem) -> Flow {
      if (ndecl > 0) {
        // By reference: the element lives in `val`'s storage for the whole loop.
        Var& e = vars_[vars_.size() - 1];
        e.ref = &elem;
        e.iface = iface;
      }
      if (ndecl > 1) vars_[vars_.size() - 2].value = index;
      Flow f = Walk(elem, n.list, iface);
      vars_.resize(mark);
      return f;
    };
    bool iterated = false;
    switch (val.kind()) {
      case Value::Kind::kList: {
        const auto& l = val.as_list();
        for (size_t i = 0; i < l.size(); ++i) {
          iterated = true;
          Flow f = one(ndecl > 1 ? Value::Int(static_cast<int64_t>(i)) : Value(), l[i]);
          if (f == Flow::kError) return f;
          if (f == Flow::kBreak) break;
        }
        break;
      }
      case Value::Kind::kMap: {
        const auto& m = val.as_map();
        for (const auto& e : m) {
          iterated = true;
          Flow f = one(ndecl > 1 ? Value::String(e.first) : Value(), e.second);
          if (f == Flow::kError) return f;
          if (f == Flow::kBreak) break;
        }
        break;
      }
      case Value::Kind::kInvalid:
      case Value::Kind::kNil:
        break;
      default: {
        std::string s;
        gofmt::Print(val, &s);
        // Go reports at the last node it evaluated (its state.at), not at the pipeline.
        const Operand& last = at_ ? *at_ : n.pipe.cmds.back().args.front();
        return Fail(last.pos, last.end, "range can't iterate over " + s, last.loc);
      }
    }
    Flow f = Flow::kNormal;
    if (!iterated && n.has_else) f = Walk(dot, n.else_list, dot_iface_);
    vars_.resize(outer);
    return f;
  }

  // Go's TemplateNode.String(): {{template "name" pipeline}}.
  std::string TemplateText(const Node& n) const {
    std::string s = "{{template \"" + n.name + "\"";
    if (n.has_pipe) s += " " + PipeText(n.pipe);
    return s + "}}";
  }

  Flow WalkTemplate(const Value& dot, const Node& n) {
    auto it = set_.trees.find(n.name);
    if (it == set_.trees.end()) {
      return FailAt(n.pos, TemplateText(n), "template \"" + n.name + "\" not defined");
    }
    if (depth_ >= limits_.max_depth) {
      return FailAt(n.pos, TemplateText(n),
                    "exceeded maximum template depth (" + std::to_string(limits_.max_depth) + ")");
    }
    Value newdot;
    if (n.has_pipe && !EvalPipeline(dot, &n.pipe, &newdot)) return Flow::kError;
    std::vector<Var> saved;
    saved.swap(vars_);
    vars_.push_back({"$", newdot});
    const Tree* saved_tree = tree_;
    tree_ = it->second.get();
    depth_++;
    Flow f = Walk(newdot, tree_->root, false);
    depth_--;
    tree_ = saved_tree;
    vars_.swap(saved);
    return f == Flow::kError ? f : Flow::kNormal;
  }

  // ---- evaluation ----
  bool EvalPipeline(const Value& dot, const Pipe* pipe, Value* out) {
    *out = Value();
    if (pipe == nullptr) return true;
    if (++nesting_ > limits_.max_nesting) return FailB(pipe->pos, 0, "template nesting too deep");
    struct Unnest {
      int* n;
      ~Unnest() { --*n; }
    } unnest{&nesting_};
    Value value;
    bool first = true;
    for (const Command& cmd : pipe->cmds) {
      Value next;
      if (!EvalCommand(dot, cmd, first ? nullptr : &value, &next)) return false;
      first = false;
      value = next.is_nil() ? Value() : std::move(next);
    }
    for (std::string_view var : pipe->decl) {
      if (pipe->is_assign) {
        if (!SetVar(var, value, *pipe)) return false;
      } else {
        vars_.push_back({var, value});
      }
    }
    *out = std::move(value);
    return true;
  }

  bool NotAFunction(const std::vector<Operand>& args, const Value* final) {
    if (args.size() > 1 || final != nullptr) {
      return FailOp(args[0], "can't give argument to non-function " + OpText(args[0]));
    }
    return true;
  }

  bool EvalCommand(const Value& dot, const Command& cmd, const Value* final, Value* out) {
    const Operand& first = cmd.args[0];
    at_ = &first;
    switch (first.type) {
      case OpType::kField:
        return EvalFieldChain(dot, dot, dot_iface_, first, first.idents,
                              cmd.args.size() > 1 || final, out);
      case OpType::kChain:
        return EvalChain(dot, first, cmd.args, final, out);
      case OpType::kIdentifier:
        return EvalCall(dot, first, cmd.args, 1, final, out);
      case OpType::kPipe:
        if (!NotAFunction(cmd.args, final)) return false;
        return EvalPipeline(dot, first.pipe.get(), out);
      case OpType::kVariable: {
        Value v;
        bool iface = false;
        if (!VarValue(first, &v, &iface)) return false;
        if (first.idents.empty()) {
          if (!NotAFunction(cmd.args, final)) return false;
          *out = std::move(v);
          return true;
        }
        return EvalFieldChain(dot, v, iface, first, first.idents, cmd.args.size() > 1 || final,
                              out);
      }
      default:
        break;
    }
    if (!NotAFunction(cmd.args, final)) return false;
    switch (first.type) {
      case OpType::kBool:
      case OpType::kString:
        *out = first.constant;
        return true;
      case OpType::kDot:
        *out = dot;
        return true;
      case OpType::kNil:
        return FailOp(first, "nil is not a command");
      case OpType::kNumber:
        return IdealConstant(first, out);
      default:
        return FailOp(first, "can't evaluate command");
    }
  }

  bool IdealConstant(const Operand& op, Value* out) {
    if (op.overflows_int) return FailOp(op, std::string(op.name) + " overflows int");
    *out = op.constant;
    return true;
  }

  bool EvalChain(const Value& dot, const Operand& chain, const std::vector<Operand>& args,
                 const Value* final, Value* out) {
    if (chain.sub->type == OpType::kNil) {
      return FailOp(chain, "indirection through explicit nil in " + OpText(chain));
    }
    at_ = &chain;
    Value recv;
    if (!EvalArgUntyped(dot, *chain.sub, &recv)) return false;
    // Errors of the fields name the last node evaluated in the receiver, as Go's do.
    return EvalFieldChain(dot, recv, false, *at_, chain.idents, args.size() > 1 || final, out);
  }

  bool EvalFieldChain(const Value& dot, const Value& receiver, bool recv_iface, const Operand& node,
                      const std::vector<std::string_view>& idents, bool has_args, Value* out) {
    const Value* v;
    if (!ResolveFieldChain(receiver, recv_iface, node, idents, has_args, &v)) return false;
    *out = v ? *v : kMissing;
    return true;
  }
  // The field chain's value in place (*out: nullptr for a missing value), no copy.
  bool ResolveFieldChain(const Value& receiver, bool recv_iface, const Operand& node,
                         const std::vector<std::string_view>& idents, bool has_args,
                         const Value** out) {
    const Value* recv = &receiver;
    size_t n = idents.size();
    for (size_t i = 0; i + 1 < n; ++i) {
      if (!EvalField(idents[i], node, false, i > 0 || recv_iface, &recv)) return false;
    }
    if (!EvalField(idents[n - 1], node, has_args, n > 1 || recv_iface, &recv)) return false;
    *out = recv;
    return true;
  }

  // The fast path of the commonest actions ({{.a.b}}, {{$x}}, {{$x.a}}, {{.}}, and the same as
  // an if condition): a pipeline of one such operand evaluates to a value in place, without
  // copying it (no reference-count traffic). Returns false if `pipe` is not of that form;
  // otherwise *ok says whether it evaluated (false: the error is recorded) and *out is the
  // value (nullptr: missing or nil, as EvalPipeline turns nil into missing). *out stays valid
  // until variables are next declared.
  bool SimplePipeline(const Value& dot, const Pipe& pipe, const Value** out, bool* ok) {
    if (!pipe.decl.empty() || pipe.cmds.size() != 1 || pipe.cmds[0].args.size() != 1) {
      return false;
    }
    const Operand& op = pipe.cmds[0].args[0];
    const Value* v;
    switch (op.type) {
      case OpType::kDot:
        v = &dot;
        break;
      case OpType::kField:
        at_ = &op;
        *ok = ResolveFieldChain(dot, dot_iface_, op, op.idents, false, &v);
        if (!*ok) return true;
        break;
      case OpType::kVariable: {
        at_ = &op;
        const Var* var = FindVar(op.name);
        if (var == nullptr) {
          *ok = FailOp(op, "undefined variable: " + std::string(op.name));
          return true;
        }
        v = var->ref ? var->ref : &var->value;
        if (!op.idents.empty()) {
          *ok = ResolveFieldChain(*v, var->iface, op, op.idents, false, &v);
          if (!*ok) return true;
        }
        break;
      }
      default:
        return false;
    }
    *ok = true;
    *out = (v == nullptr || !v->valid() || v->is_nil()) ? nullptr : v;
    return true;
  }

  // *recv: the receiver in, the field value out (nullptr for a missing value).
  // from_map: the receiver is a map element (Go's static type `interface {}`).
  bool EvalField(std::string_view name, const Operand& node, bool has_args, bool from_map,
                 const Value** recv) {
    const Value* r = *recv;
    if (r == nullptr || r->kind() == Value::Kind::kInvalid) {
      *recv = nullptr;
      return true;
    }
    if (r->is_nil()) {
      return FailOp(node, "nil pointer evaluating interface {}." + std::string(name));
    }
    if (r->kind() == Value::Kind::kMap) {
      if (has_args) return FailOp(node, std::string(name) + " is not a method but has arguments");
      *recv = r->Find(name);
      return true;
    }
    return FailOp(node, "can't evaluate field " + std::string(name) + " in type " +
                            (from_map ? "interface {}" : r->TypeName()));
  }

  // evalArg with a nil type (the receiver of a chain): no conversion.
  bool EvalArgUntyped(const Value& dot, const Operand& op, Value* out) {
    at_ = &op;
    switch (op.type) {
      case OpType::kPipe:
        return EvalPipeline(dot, op.pipe.get(), out);
      case OpType::kIdentifier:
        return EvalCall(dot, op, kNoArgs, 0, nullptr, out, &op);
      default:
        return FailOp(op, "can't evaluate " + OpText(op));
    }
  }

  bool ValidateType(const Operand& op, Value* v, ArgType t) {
    if (t == ArgType::kAny || t == ArgType::kValue) {
      if (t == ArgType::kAny && v->kind() == Value::Kind::kInvalid) *v = Value::Null();
      return true;
    }
    if (v->kind() == Value::Kind::kInvalid) {
      return FailOp(op, std::string("invalid value; expected ") + ArgTypeName(t));
    }
    bool ok = (t == ArgType::kString && v->kind() == Value::Kind::kString) ||
              (t == ArgType::kInt && v->kind() == Value::Kind::kInt) ||
              (t == ArgType::kBool && v->kind() == Value::Kind::kBool);
    if (!ok) {
      return FailOp(op, std::string("wrong type for value; expected ") + ArgTypeName(t) + "; got " +
                            (v->is_nil() ? "interface {}" : v->TypeName()));
    }
    return true;
  }

  bool EvalArg(const Value& dot, ArgType t, const Operand& op, Value* out) {
    at_ = &op;
    switch (op.type) {
      case OpType::kDot:
        *out = dot;
        return ValidateType(op, out, t);
      case OpType::kNil:
        if (t == ArgType::kAny || t == ArgType::kValue) {
          // reflect.Zero of reflect.Value is the invalid Value.
          *out = t == ArgType::kAny ? Value::Null() : Value();
          return true;
        }
        return FailOp(op, std::string("cannot assign nil to ") + ArgTypeName(t));
      case OpType::kField:
        if (!EvalFieldChain(dot, dot, dot_iface_, op, op.idents, false, out)) return false;
        return ValidateType(op, out, t);
      case OpType::kVariable: {
        bool iface = false;
        if (!VarValue(op, out, &iface)) return false;
        if (!op.idents.empty()) {
          Value base = std::move(*out);
          if (!EvalFieldChain(dot, base, iface, op, op.idents, false, out)) return false;
        }
        return ValidateType(op, out, t);
      }
      case OpType::kPipe:
        if (!EvalPipeline(dot, op.pipe.get(), out)) return false;
        return ValidateType(*at_, out, t);  // Go's node: the last one evaluated inside
      case OpType::kIdentifier:
        if (!EvalCall(dot, op, kNoArgs, 0, nullptr, out, &op)) return false;
        return ValidateType(op, out, t);
      case OpType::kChain:
        if (!EvalChain(dot, op, kNoArgs, nullptr, out)) return false;
        return ValidateType(*at_, out, t);
      default:
        break;
    }
    switch (t) {
      case ArgType::kAny:
      case ArgType::kValue:
        if (op.type == OpType::kNumber) return IdealConstant(op, out);
        *out = op.constant;
        return true;
      case ArgType::kString:
        if (op.type == OpType::kString) {
          *out = op.constant;
          return true;
        }
        return FailOp(op, "expected string; found " + OpText(op));
      case ArgType::kInt:
        if (op.type == OpType::kNumber && op.num_is_int) {
          *out = Value::Int(op.num_int);
          return true;
        }
        return FailOp(op, "expected integer; found " + OpText(op));
      case ArgType::kBool:
        if (op.type == OpType::kBool) {
          *out = op.constant;
          return true;
        }
        return FailOp(op, "expected bool; found " + OpText(op));
    }
    return false;
  }

  // Calls the function named by `fn` with args[first_arg..] and the pipeline's final value.
  bool EvalCall(const Value& dot, const Operand& fn, const std::vector<Operand>& args,
                size_t first_arg, const Value* final, Value* out, const Operand* self = nullptr,
                std::string* direct = nullptr) {
    const Signature& sig = fn.func ? *fn.sig : BuiltinSignature(fn.builtin);
    size_t nargs = args.size() > first_arg ? args.size() - first_arg : 0;
    size_t num_in = nargs + (final ? 1 : 0);
    size_t num_fixed = nargs;
    std::string_view name = fn.name;
    if (sig.variadic) {
      num_fixed = sig.params.size() - 1;
      if (num_in < num_fixed) {
        return FailOp(fn, "wrong number of args for " + std::string(name) + ": want at least " +
                              std::to_string(sig.params.size() - 1) + " got " +
                              std::to_string(nargs));
      }
    } else if (num_in != sig.params.size()) {
      return FailOp(fn, "wrong number of args for " + std::string(name) + ": want " +
                            std::to_string(sig.params.size()) + " got " + std::to_string(num_in));
    }
    if (!fn.func && (fn.builtin == kAnd || fn.builtin == kOr)) {
      bool is_or = fn.builtin == kOr;
      Value v;
      for (size_t i = first_arg; i < args.size(); ++i) {
        if (!EvalArg(dot, ArgType::kValue, args[i], &v)) return false;
        if (IsTrue(v) == is_or) {
          *out = std::move(v);
          return true;
        }
      }
      if (final) v = *final;
      *out = std::move(v);
      return true;
    }
    // Small-vector of arguments: most calls have few.
    // Arguments live on the stack for the usual few; a vector beyond that.
    // Constructed only as many as needed (most calls have one or two).
    constexpr size_t kSmall = 6;
    alignas(Value) unsigned char small[kSmall * sizeof(Value)];
    std::vector<Value> large;
    std::span<Value> argv;
    struct Destroy {
      Value* v;
      size_t n;
      ~Destroy() { std::destroy_n(v, n); }
    } destroy{nullptr, 0};
    if (num_in > kSmall) {
      large.resize(num_in);
      argv = std::span<Value>(large);
    } else {
      Value* v =
          std::uninitialized_value_construct_n(reinterpret_cast<Value*>(small), num_in) - num_in;
      destroy = {v, num_in};
      argv = std::span<Value>(v, num_in);
    }
    size_t i = 0;
    for (; i < num_fixed && i < nargs; ++i) {
      if (!EvalArg(dot, sig.params[i], args[first_arg + i], &argv[i])) return false;
    }
    if (sig.variadic) {
      for (; i < nargs; ++i) {
        if (!EvalArg(dot, sig.params.back(), args[first_arg + i], &argv[i])) return false;
      }
    }
    if (final) {
      ArgType t = sig.params.empty() ? ArgType::kAny : sig.params.back();
      if (sig.variadic && num_in - 1 < num_fixed) t = sig.params[num_in - 1];
      argv[i] = *final;
      // Go checks the piped value at the last node it evaluated (the last argument's).
      const Operand& where = nargs > 0 && at_ ? *at_ : (self ? *self : fn);
      if (!ValidateType(where, &argv[i], t)) return false;
    }
    std::span<const Value> cargs(argv.data(), argv.size());
    if (direct != nullptr) {
      if (fn.builtin == kPrintf) {
        gofmt::Sprintf(cargs[0].as_string(), cargs.subspan(1), direct);
      } else if (fn.builtin == kPrint) {
        gofmt::Sprint(cargs, direct);
      } else {
        gofmt::Sprintln(cargs, direct);
      }
      return true;
    }
    StatusOr<Value> r = fn.func ? (*fn.func)(ctx_, cargs) : CallBuiltin(fn.builtin, ctx_, cargs);
    if (!r.ok()) {
      // Go reports a failed call at the whole command ("base64Decode \"x\"").
      int end = args.size() > first_arg ? args.back().end : fn.end;
      return FailB(fn.pos, end, "error calling " + std::string(name) + ": " + r.status().message());
    }
    if (r->kind() == Value::Kind::kString && r->size() > limits_.max_output) {
      return FailOp(fn, "error calling " + std::string(name) + ": result exceeds the output limit");
    }
    *out = std::move(r).value();
    return true;
  }

  const TreeSet& set_;
  std::string* out_;
  Template::Limits limits_;
  uint64_t steps_ = 0;
  const Tree* tree_ = nullptr;
  Status err_;
  std::vector<Var> vars_;
  bool dot_iface_ = false;
  const Operand* at_ = nullptr;  // Go's state.node: the operand evaluated last, for errors
  CallContext ctx_;
  int depth_ = 0;
  int nesting_ = 0;
};

}  // namespace
}  // namespace internal

StatusOr<Template> Template::Parse(const std::string& name, std::string_view text,
                                   const FuncMap& funcs) {
  auto impl = std::make_shared<Impl>();
  impl->set.text = std::string(text);
  impl->set.funcs = funcs;
  if (Status st = internal::ParseText(name, impl->set.text, &impl->set); !st.ok()) return st;
  return Template(std::shared_ptr<const Impl>(std::move(impl)));
}

Template::Template(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;
Template::~Template() = default;

Status Template::Execute(const Value& data, std::string* out) const {
  return Execute(data, out, Limits());
}

Status Template::Execute(const Value& data, std::string* out, const Limits& limits) const {
  out->clear();
  internal::Exec exec(impl_->set, out, limits);
  Status st = exec.Run(data);
  if (!st.ok()) out->clear();
  return st;
}

}  // namespace vs::tmpl
