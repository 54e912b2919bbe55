#pragma once

#include "core/clock.h"

#include <QDateTime>

#include <atomic>
#include <chrono>

namespace tap::test {

// A Clock that only moves when the test says so. Safe to read from any thread (services read
// it from worker threads) while the test thread sets or advances it.
//
//     tap::test::FakeClock clock; // 2026-04-03T12:00:00Z
//     clock.advance(std::chrono::minutes(15));
class FakeClock final : public core::Clock
{
public:
    static constexpr qint64 kDefaultStartMs = 1775217600000; // 2026-04-03T12:00:00Z

    explicit FakeClock(qint64 startMs = kDefaultStartMs) : m_nowMs(startMs) { }

    qint64 nowMs() const override { return m_nowMs.load(std::memory_order_acquire); }

    void setMs(qint64 epochMs) { m_nowMs.store(epochMs, std::memory_order_release); }
    void set(const QDateTime &time) { setMs(time.toMSecsSinceEpoch()); }

    // Moves the clock forward (or back, with a negative amount); returns the new time.
    qint64 advanceMs(qint64 ms) { return m_nowMs.fetch_add(ms, std::memory_order_acq_rel) + ms; }
    template <typename Rep, typename Period>
    qint64 advance(std::chrono::duration<Rep, Period> duration)
    {
        return advanceMs(std::chrono::duration_cast<std::chrono::milliseconds>(duration).count());
    }

private:
    std::atomic<qint64> m_nowMs;
};

} // namespace tap::test
