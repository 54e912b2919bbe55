#include "upstream/decoder.h"

#include <brotli/decode.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>

namespace tap::upstream {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

constexpr qsizetype kStep = 16 * 1024; // coded bytes handed from one layer to the next
constexpr int kZstdWindowLogMax = 23; // 8 MiB

Error corrupt(const char *coding)
{
    return Error(ErrorCode::UpstreamError,
                 QStringLiteral("The upstream request failed: the body is not valid %1 data.")
                         .arg(QLatin1StringView(coding)));
}

} // namespace

// One coding: input buffered here (from the network or the layer below), output on demand.
class BodyDecoder::Layer
{
public:
    virtual ~Layer() = default;

    Result<QByteArray> pull(qsizetype max)
    {
        for (;;) {
            if (m_needInput) {
                if (!m_source)
                    return QByteArray(); // push() brings more
                auto more = m_source->pull(kStep);
                if (!more || more->isEmpty())
                    return more;
                push(more.value());
            }
            const size_t before = size_t(m_in.size() - m_pos);
            if (m_ended) { // data after the end of the coded stream is ignored
                m_pos = m_in.size();
                m_needInput = true;
                continue;
            }
            // Also with no input left: a decoder may still hold output for what it was given.
            QByteArray out(max, Qt::Uninitialized);
            size_t inLeft = before;
            size_t outLeft = size_t(max);
            auto r = step(reinterpret_cast<const uint8_t *>(m_in.constData() + m_pos), inLeft,
                          reinterpret_cast<uint8_t *>(out.data()), outLeft);
            if (!r)
                return r.error();
            m_pos += qsizetype(before - inLeft);
            out.truncate(max - qsizetype(outLeft));
            if (!out.isEmpty())
                return out;
            if (inLeft == before)
                m_needInput = true; // no progress: it needs more input
        }
    }

    void push(QByteArrayView coded)
    {
        m_in.remove(0, m_pos);
        m_pos = 0;
        m_in.append(coded);
        m_needInput = false;
    }

    Layer *m_source = nullptr;

protected:
    // Decodes from `in` (inLeft bytes) into `out` (outLeft bytes), updating both counts; sets
    // m_ended at the end of the coded stream.
    virtual Result<void> step(const uint8_t *in, size_t &inLeft, uint8_t *out, size_t &outLeft) = 0;
    bool m_ended = false;

private:
    QByteArray m_in;
    qsizetype m_pos = 0;
    bool m_needInput = true;
};

namespace {

class ZlibLayer : public BodyDecoder::Layer
{
public:
    explicit ZlibLayer(bool gzip) : m_gzip(gzip) { init(gzip ? 15 + 16 : 15); }
    ~ZlibLayer() override { inflateEnd(&m_z); }

protected:
    Result<void> step(const uint8_t *in, size_t &inLeft, uint8_t *out, size_t &outLeft) override
    {
        m_z.next_in = const_cast<Bytef *>(in);
        m_z.avail_in = uInt(inLeft);
        m_z.next_out = out;
        m_z.avail_out = uInt(outLeft);
        int rc = inflate(&m_z, Z_NO_FLUSH);
        if (rc == Z_DATA_ERROR && !m_gzip && !m_triedRaw && m_z.total_out == 0) {
            // "deflate" without the zlib wrapper, as some servers send it.
            m_triedRaw = true;
            inflateEnd(&m_z);
            init(-15);
            return step(in, inLeft, out, outLeft);
        }
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
            return corrupt(m_gzip ? "gzip" : "deflate");
        m_ended = rc == Z_STREAM_END;
        inLeft = m_z.avail_in;
        outLeft = m_z.avail_out;
        return {};
    }

private:
    void init(int windowBits)
    {
        std::memset(&m_z, 0, sizeof(m_z));
        inflateInit2(&m_z, windowBits);
    }
    z_stream m_z;
    bool m_gzip;
    bool m_triedRaw = false;
};

class BrotliLayer : public BodyDecoder::Layer
{
public:
    BrotliLayer() : m_state(BrotliDecoderCreateInstance(nullptr, nullptr, nullptr)) { }
    ~BrotliLayer() override { BrotliDecoderDestroyInstance(m_state); }

protected:
    Result<void> step(const uint8_t *in, size_t &inLeft, uint8_t *out, size_t &outLeft) override
    {
        if (!m_state)
            return corrupt("br");
        const BrotliDecoderResult rc =
                BrotliDecoderDecompressStream(m_state, &inLeft, &in, &outLeft, &out, nullptr);
        if (rc == BROTLI_DECODER_RESULT_ERROR)
            return corrupt("br");
        m_ended = rc == BROTLI_DECODER_RESULT_SUCCESS;
        return {};
    }

private:
    BrotliDecoderState *m_state;
};

class ZstdLayer : public BodyDecoder::Layer
{
public:
    ZstdLayer() : m_stream(ZSTD_createDStream())
    {
        if (m_stream)
            ZSTD_DCtx_setParameter(m_stream, ZSTD_d_windowLogMax, kZstdWindowLogMax);
    }
    ~ZstdLayer() override { ZSTD_freeDStream(m_stream); }

protected:
    Result<void> step(const uint8_t *in, size_t &inLeft, uint8_t *out, size_t &outLeft) override
    {
        if (!m_stream)
            return corrupt("zstd");
        ZSTD_inBuffer input{ in, inLeft, 0 };
        ZSTD_outBuffer output{ out, outLeft, 0 };
        // 0: a frame ended and was flushed; another may follow (RFC 8878 §3).
        const size_t rc = ZSTD_decompressStream(m_stream, &output, &input);
        if (ZSTD_isError(rc))
            return corrupt("zstd");
        inLeft -= input.pos;
        outLeft -= output.pos;
        return {};
    }

private:
    ZSTD_DStream *m_stream;
};

} // namespace

BodyDecoder::~BodyDecoder() = default;

const char *BodyDecoder::accepted()
{
    return "gzip, deflate, br, zstd";
}

Result<std::unique_ptr<BodyDecoder>> BodyDecoder::create(const QByteArray &contentEncoding)
{
    std::unique_ptr<BodyDecoder> d(new BodyDecoder);
    const QList<QByteArray> codings = contentEncoding.split(',');
    for (auto it = codings.crbegin(); it != codings.crend(); ++it) {
        const QByteArray c = it->trimmed().toLower();
        if (c.isEmpty() || c == "identity")
            continue;
        std::unique_ptr<Layer> layer;
        if (c == "gzip" || c == "x-gzip")
            layer = std::make_unique<ZlibLayer>(true);
        else if (c == "deflate")
            layer = std::make_unique<ZlibLayer>(false);
        else if (c == "br")
            layer = std::make_unique<BrotliLayer>();
        else if (c == "zstd")
            layer = std::make_unique<ZstdLayer>();
        else
            return Error(ErrorCode::UpstreamError,
                         QStringLiteral("The upstream request failed: its answer is in a content "
                                        "coding tapd does not decode (%1).")
                                 .arg(QString::fromLatin1(c.left(40).toPercentEncoding())));
        if (!d->m_layers.empty())
            layer->m_source = d->m_layers.back().get();
        d->m_layers.push_back(std::move(layer));
    }
    if (d->m_layers.empty())
        return std::unique_ptr<BodyDecoder>();
    return d;
}

void BodyDecoder::push(QByteArrayView coded)
{
    m_layers.front()->push(coded);
}

Result<QByteArray> BodyDecoder::pull(qsizetype max)
{
    return m_layers.back()->pull(max);
}

} // namespace tap::upstream
