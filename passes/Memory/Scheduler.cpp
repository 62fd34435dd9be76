//===- Scheduler.cpp - the layer order that needs the least arena ----------===//

#include "passes/Memory/Scheduler.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

namespace edgec::memory {

std::vector<ScheduledBuffer> requestsFor(const std::vector<ScheduleNode> &nodes,
                                         const std::vector<int64_t> &order) {
  const int64_t end = static_cast<int64_t>(order.size());
  std::vector<int64_t> step(nodes.size(), 0);
  for (int64_t s = 0; s < end; ++s)
    step[order[s]] = s;
  // Last step each buffer is read at (through views too: operands are roots).
  std::vector<int64_t> lastUse(nodes.size(), -1);
  for (size_t v = 0; v < nodes.size(); ++v) {
    for (int64_t b : nodes[v].operands)
      if (b >= 0)
        lastUse[b] = std::max(lastUse[b], step[v]);
    if (nodes[v].liveToEnd)
      lastUse[v] = end + 1; // read by the return, the step after the last node
  }
  std::vector<ScheduledBuffer> out;
  std::vector<int64_t> bufferOf(nodes.size(), -1);
  for (int64_t s = 0; s < end; ++s) {
    const int64_t v = order[s];
    const ScheduleNode &node = nodes[v];
    if (node.arena) {
      BufferRequest r{node.size, s, std::max(lastUse[v], s)};
      // In place: over the first operand allowed whose buffer dies here and
      // that no other operand reads.
      for (size_t k = 0; k < node.operands.size() && k < 32; ++k) {
        const int64_t b = node.operands[k];
        if (!(node.inPlace & (1u << k)) || node.slice || b < 0 || bufferOf[b] < 0 ||
            lastUse[b] != s || nodes[b].slice)
          continue;
        bool readTwice = false;
        for (size_t j = 0; j < node.operands.size(); ++j)
          readTwice |= j != k && node.operands[j] == b;
        if (!readTwice) {
          r.reuses = bufferOf[b];
          break;
        }
      }
      bufferOf[v] = static_cast<int64_t>(out.size());
      out.push_back({v, false, r});
    }
    if (node.scratch > 0)
      out.push_back({v, true, {node.scratch, s, s}});
  }
  for (ScheduledBuffer &b : out)
    if (!b.scratch && nodes[b.node].follows >= 0)
      b.request.follows = bufferOf[nodes[b.node].follows];
  return out;
}

int64_t orderBound(const std::vector<ScheduleNode> &nodes, const std::vector<int64_t> &order,
                   int64_t alignment) {
  std::vector<BufferRequest> requests;
  for (const ScheduledBuffer &b : requestsFor(nodes, order))
    requests.push_back(b.request);
  return arenaLowerBound(requests, alignment);
}

namespace {

/// A node the search leaves out: it depends on nothing and takes no arena
/// (a weight). Such nodes go first.
bool isFree(const ScheduleNode &n) {
  return n.deps.empty() && n.operands.empty() && !n.arena && n.scratch == 0;
}

/// The search over the orders of one part: the nodes strictly between two
/// cut nodes (or a cut node alone), a contiguous run of the source order, all
/// nodes before it done. States are the sets of the part's nodes done.
class PartSearch {
public:
  PartSearch(const std::vector<ScheduleNode> &nodes, const std::vector<int64_t> &part,
             const std::vector<int64_t> &searched, int64_t alignment)
      : nodes_(nodes), part_(part), align_(alignment) {
    const int64_t m = static_cast<int64_t>(part.size());
    std::vector<int64_t> local(nodes.size(), -1);
    for (int64_t i = 0; i < m; ++i)
      local[part[i]] = i;
    const int64_t firstPos = positionIn(searched, part.front());
    const int64_t lastPos = positionIn(searched, part.back());
    std::vector<int64_t> pos(nodes.size(), -1);
    for (size_t i = 0; i < searched.size(); ++i)
      pos[searched[i]] = static_cast<int64_t>(i);
    // The buffers that may be live in the part: made in it, or made before
    // and read in it or after it.
    std::vector<int64_t> bufferIndex(nodes.size(), -1);
    auto bufferOf = [&](int64_t b) -> int64_t {
      if (bufferIndex[b] < 0) {
        bufferIndex[b] = static_cast<int64_t>(buffers_.size());
        buffers_.push_back({local[b], {}, nodes[b].liveToEnd,
                            alignTo(nodes[b].size, align_)});
      }
      return bufferIndex[b];
    };
    for (int64_t v : part)
      if (nodes[v].arena)
        bufferOf(v);
    for (size_t r = 0; r < nodes.size(); ++r) {
      if (pos[r] < firstPos)
        continue; // done before the part (or a free node): reads nothing live here
      for (int64_t b : nodes[r].operands) {
        if (b < 0 || pos[b] > lastPos)
          continue;
        Buffer &buf = buffers_[bufferOf(b)];
        if (pos[r] > lastPos)
          buf.readAfter = true;
        else if (std::find(buf.readers.begin(), buf.readers.end(), local[r]) == buf.readers.end())
          buf.readers.push_back(local[r]);
      }
    }
    // Made before the part and live to the end.
    for (size_t b = 0; b < nodes.size(); ++b)
      if (nodes[b].arena && nodes[b].liveToEnd && pos[b] >= 0 && pos[b] < firstPos)
        bufferOf(static_cast<int64_t>(b));
    deps_.assign(m, {});
    operands_.assign(m, {});
    for (int64_t i = 0; i < m; ++i) {
      const ScheduleNode &node = nodes[part[i]];
      for (int64_t d : node.deps)
        if (local[d] >= 0)
          deps_[i].push_back(local[d]);
      for (int64_t b : node.operands)
        operands_[i].push_back(b >= 0 && bufferIndex[b] >= 0 ? bufferIndex[b] : -1);
    }
  }

  int64_t size() const { return static_cast<int64_t>(part_.size()); }

  bool ready(const std::vector<char> &done, int64_t v) const {
    if (done[v])
      return false;
    for (int64_t d : deps_[v])
      if (!done[d])
        return false;
    return true;
  }

  /// Bytes live while node v runs after the nodes `done` (the lower bound's
  /// count at that step: a result over its dying input counts the larger of
  /// the two); with `after`, bytes live once it is done instead.
  int64_t live(const std::vector<char> &done, int64_t v, bool after = false) const {
    auto made = [&](const Buffer &b) { return b.producer < 0 || done[b.producer] || b.producer == v; };
    auto pending = [&](const Buffer &b, bool countV) {
      if (b.readAfter)
        return true;
      for (int64_t r : b.readers)
        if (!done[r] && (countV || r != v))
          return true;
      return false;
    };
    int64_t bytes = 0;
    for (const Buffer &b : buffers_)
      if (made(b) && ((b.producer == v && !after) || pending(b, !after)))
        bytes += b.size;
    if (after)
      return bytes;
    const ScheduleNode &node = nodes_[part_[v]];
    if (node.scratch > 0)
      bytes += alignTo(node.scratch, align_);
    if (!node.arena)
      return bytes;
    const std::vector<int64_t> &ops = operands_[v];
    for (size_t k = 0; k < ops.size() && k < 32; ++k) {
      if (!(node.inPlace & (1u << k)) || ops[k] < 0 || pending(buffers_[ops[k]], false))
        continue;
      bool readTwice = false;
      for (size_t j = 0; j < ops.size(); ++j)
        readTwice |= j != k && ops[j] == ops[k];
      if (!readTwice)
        return bytes - std::min(alignTo(node.size, align_), buffers_[ops[k]].size);
    }
    return bytes;
  }

  /// The bound of the source order, of the part alone.
  int64_t sourceBound() const {
    std::vector<char> done(size(), 0);
    int64_t bound = 0;
    for (int64_t v = 0; v < size(); ++v) {
      bound = std::max(bound, live(done, v));
      done[v] = 1;
    }
    return bound;
  }

  /// Exhaustive search; false when the part has over 63 nodes or the states
  /// exceed `limit`.
  bool solve(int64_t limit) {
    if (size() > 63)
      return false;
    limit_ = limit;
    best(0);
    return !aborted_;
  }
  int64_t optimum() const { return memo_.at(0); }
  int64_t states() const { return static_cast<int64_t>(memo_.size()); }

  /// After solve: the order within `bound` that takes, at each step, the
  /// ready node earliest in the source order (the source order itself when
  /// that is within `bound`).
  std::vector<int64_t> orderWithin(int64_t bound) {
    std::vector<int64_t> order;
    uint64_t state = 0;
    while (static_cast<int64_t>(order.size()) < size()) {
      std::vector<char> done = unpack(state);
      for (int64_t v = 0; v < size(); ++v)
        if (ready(done, v) && std::max(live(done, v), best(state | bit(v))) <= bound) {
          order.push_back(v);
          state |= bit(v);
          break;
        }
    }
    return order;
  }

  /// At each step the ready node with the fewest bytes live while it runs,
  /// then after it, then the earliest in the source.
  std::vector<int64_t> greedy() const {
    std::vector<char> done(size(), 0);
    std::vector<int64_t> order;
    while (static_cast<int64_t>(order.size()) < size()) {
      int64_t pick = -1, pickLive = 0, pickAfter = 0;
      for (int64_t v = 0; v < size(); ++v) {
        if (!ready(done, v))
          continue;
        int64_t l = live(done, v), a = live(done, v, true);
        if (pick < 0 || l < pickLive || (l == pickLive && a < pickAfter)) {
          pick = v;
          pickLive = l;
          pickAfter = a;
        }
      }
      order.push_back(pick);
      done[pick] = 1;
    }
    return order;
  }

  /// The bound of `order` (local indices), of the part alone.
  int64_t boundOf(const std::vector<int64_t> &order) const {
    std::vector<char> done(size(), 0);
    int64_t bound = 0;
    for (int64_t v : order) {
      bound = std::max(bound, live(done, v));
      done[v] = 1;
    }
    return bound;
  }

  int64_t global(int64_t v) const { return part_[v]; }

private:
  struct Buffer {
    int64_t producer;             ///< local index, or -1: made before the part
    std::vector<int64_t> readers; ///< local indices of the part's nodes reading it
    bool readAfter;               ///< read after the part, or live to the end
    int64_t size;                 ///< aligned
  };

  static int64_t positionIn(const std::vector<int64_t> &v, int64_t x) {
    return std::find(v.begin(), v.end(), x) - v.begin();
  }
  static uint64_t bit(int64_t v) { return uint64_t{1} << v; }
  std::vector<char> unpack(uint64_t state) const {
    std::vector<char> done(size());
    for (int64_t v = 0; v < size(); ++v)
      done[v] = (state >> v) & 1;
    return done;
  }

  int64_t best(uint64_t state) {
    if (auto it = memo_.find(state); it != memo_.end())
      return it->second;
    if (aborted_)
      return 0;
    if (static_cast<int64_t>(memo_.size()) >= limit_) {
      aborted_ = true;
      return 0;
    }
    int64_t value = 0;
    if (state != bit(size()) - 1) {
      std::vector<char> done = unpack(state);
      value = INT64_MAX;
      for (int64_t v = 0; v < size(); ++v)
        if (ready(done, v)) {
          int64_t here = live(done, v);
          if (here < value)
            value = std::min(value, std::max(here, best(state | bit(v))));
        }
    }
    memo_[state] = value;
    return value;
  }

  const std::vector<ScheduleNode> &nodes_;
  std::vector<int64_t> part_;
  int64_t align_;
  std::vector<Buffer> buffers_;
  std::vector<std::vector<int64_t>> deps_;     ///< local
  std::vector<std::vector<int64_t>> operands_; ///< index into buffers_, or -1
  std::unordered_map<uint64_t, int64_t> memo_;
  int64_t limit_ = 0;
  bool aborted_ = false;
};

} // namespace

MemorySchedule scheduleForMemory(const std::vector<ScheduleNode> &nodes, int64_t alignment,
                                 int64_t stateLimit) {
  const int64_t n = static_cast<int64_t>(nodes.size());
  std::vector<int64_t> source(n);
  std::iota(source.begin(), source.end(), 0);
  MemorySchedule result;
  result.sourceBound = orderBound(nodes, source, alignment);
  result.order = source;
  result.bound = result.sourceBound;

  std::vector<int64_t> freeNodes, searched;
  for (int64_t v = 0; v < n; ++v)
    (isFree(nodes[v]) ? freeNodes : searched).push_back(v);
  const int64_t m = static_cast<int64_t>(searched.size());
  if (m == 0)
    return result;

  // Ancestors of every searched node (bit i: searched[i]); a cut node is
  // related to every other one.
  std::vector<int64_t> pos(n, -1);
  for (int64_t i = 0; i < m; ++i)
    pos[searched[i]] = i;
  const int64_t words = (m + 63) / 64;
  std::vector<uint64_t> anc(static_cast<size_t>(m * words), 0);
  std::vector<int64_t> descendants(m, 0);
  for (int64_t i = 0; i < m; ++i) {
    uint64_t *a = &anc[i * words];
    for (int64_t d : nodes[searched[i]].deps) {
      if (pos[d] < 0)
        continue;
      const uint64_t *ad = &anc[pos[d] * words];
      for (int64_t w = 0; w < words; ++w)
        a[w] |= ad[w];
      a[pos[d] / 64] |= uint64_t{1} << (pos[d] % 64);
    }
    for (int64_t w = 0; w < words; ++w)
      for (uint64_t bits = a[w]; bits; bits &= bits - 1)
        ++descendants[w * 64 + __builtin_ctzll(bits)];
  }
  std::vector<std::vector<int64_t>> parts;
  std::vector<int64_t> between;
  for (int64_t i = 0; i < m; ++i) {
    int64_t ancestors = 0;
    for (int64_t w = 0; w < words; ++w)
      ancestors += __builtin_popcountll(anc[i * words + w]);
    if (ancestors + descendants[i] == m - 1) {
      if (!between.empty())
        parts.push_back(std::move(between));
      between.clear();
      parts.push_back({searched[i]});
    } else {
      between.push_back(searched[i]);
    }
  }
  if (!between.empty())
    parts.push_back(std::move(between));

  // Search every part; the whole graph's bound is the largest part's.
  std::vector<PartSearch> searches;
  std::vector<char> solved;
  std::vector<std::vector<int64_t>> greedyOrders(parts.size());
  int64_t bound = 0;
  for (size_t p = 0; p < parts.size(); ++p) {
    searches.emplace_back(nodes, parts[p], searched, alignment);
    PartSearch &s = searches.back();
    ++result.parts;
    if (s.size() > 1 && s.solve(stateLimit)) {
      solved.push_back(1);
      result.states += s.states();
      bound = std::max(bound, s.optimum());
    } else {
      solved.push_back(s.size() <= 1);
      result.exact &= s.size() <= 1;
      if (s.size() > 1)
        greedyOrders[p] = s.greedy();
      bound = std::max(bound, s.size() > 1 ? std::min(s.boundOf(greedyOrders[p]), s.sourceBound())
                                           : s.sourceBound());
    }
  }
  // Each part in its source order where that stays within the bound.
  std::vector<int64_t> order = freeNodes;
  bool reordered = false;
  for (size_t p = 0; p < parts.size(); ++p) {
    PartSearch &s = searches[p];
    std::vector<int64_t> local(s.size());
    std::iota(local.begin(), local.end(), 0);
    if (s.size() > 1 && s.sourceBound() > bound) {
      local = solved[p] ? s.orderWithin(bound) : greedyOrders[p];
      reordered = true;
    }
    for (int64_t v : local)
      order.push_back(s.global(v));
  }
  if (!reordered)
    return result;
  // The search's count of live bytes is the lower bound's own (requestsFor);
  // keep the source order should they ever disagree.
  int64_t newBound = orderBound(nodes, order, alignment);
  if (newBound < result.sourceBound) {
    result.order = std::move(order);
    result.bound = newBound;
  }
  return result;
}

} // namespace edgec::memory
