// A list that grows by fixed blocks instead of by doubling one array.
//
// Why: a check of a 3M-row roster keeps a few lists of 3M entries (its rows, their ID hashes).
// A doubling vector holds its old and its new copy while it grows, and has on average a third
// of its room unused; joining the lists of a file read in parts held the parts and the whole at
// once. Here growth never copies, the unused room is at most one block, and drain() hands the
// entries on while freeing each block as soon as it is read.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace rosterd {

template <typename T, unsigned kBlockBits = 15>
class BlockList {
  static_assert(std::is_trivially_copyable_v<T>, "entries are copied by value when joined");

 public:
  static constexpr std::size_t kBlockSize = std::size_t{1} << kBlockBits;

  BlockList() = default;
  // A list moved from is empty, as a vector moved from is.
  BlockList(BlockList&& other) noexcept
      : blocks_(std::move(other.blocks_)), size_(std::exchange(other.size_, 0)) {
    other.blocks_.clear();
  }
  BlockList& operator=(BlockList&& other) noexcept {
    if (this != &other) {
      blocks_ = std::move(other.blocks_);
      other.blocks_.clear();
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }

  // Adds an entry at the end, for the caller to fill, and returns it. Throws std::bad_alloc.
  T& push_back() {
    if (size_ == blocks_.size() * kBlockSize)
      blocks_.push_back(std::make_unique_for_overwrite<T[]>(kBlockSize));
    ++size_;
    return (*this)[size_ - 1];
  }
  void push_back(const T& value) { push_back() = value; }

  T& operator[](std::size_t i) { return blocks_[i >> kBlockBits][i & (kBlockSize - 1)]; }
  const T& operator[](std::size_t i) const {
    return blocks_[i >> kBlockBits][i & (kBlockSize - 1)];
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Calls f(entry) for each entry in order, freeing each block once it is read; the list is
  // empty afterwards.
  template <typename F>
  void drain(F&& f) {
    for (std::size_t b = 0; b < blocks_.size(); ++b) {
      const std::size_t n = std::min(kBlockSize, size_ - b * kBlockSize);
      for (std::size_t i = 0; i < n; ++i)
        f(blocks_[b][i]);
      blocks_[b].reset();
    }
    blocks_.clear();
    size_ = 0;
  }

  // Moves every entry of `other` to the end, in order; `other` is empty afterwards. Takes its
  // blocks whole when this list is empty, else copies them a block at a time.
  // REQUIRES: `other` is not this list.
  void append(BlockList&& other) {
    assert(&other != this);
    if (size_ == 0) {
      blocks_ = std::move(other.blocks_);
      size_ = other.size_;
      other.blocks_.clear();
      other.size_ = 0;
      return;
    }
    other.drain([this](const T& v) { push_back(v); });
  }

  // Keeps the first `n` entries. REQUIRES: n <= size().
  void truncate(std::size_t n) {
    size_ = n;
    blocks_.resize((n + kBlockSize - 1) / kBlockSize);
  }

 private:
  std::vector<std::unique_ptr<T[]>> blocks_;
  std::size_t size_ = 0;
};

}  // namespace rosterd
