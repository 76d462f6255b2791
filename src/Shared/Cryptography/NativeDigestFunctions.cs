namespace Handshake.Internal.Cryptography;

/// <summary>
/// The four libcrypto entry points of one digest. The calls skip the GC transition: each is a short,
/// non-blocking computation on memory the caller has fixed, with no callback into managed code, and
/// inputs are bounded by the callers (a transition costs as much as a SHA-256 block here).
/// </summary>
internal sealed unsafe class NativeDigestFunctions
{
    public NativeDigestFunctions(nint init, nint update, nint final, nint transform)
    {
        Init = (delegate* unmanaged[SuppressGCTransition]<byte*, int>)init;
        Update = (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int>)update;
        Final = (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int>)final;
        Transform = (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, void>)transform;
    }

    /// <summary>Gets <c>int SHA*_Init(SHA*_CTX *c)</c>.</summary>
    public delegate* unmanaged[SuppressGCTransition]<byte*, int> Init { get; }

    /// <summary>Gets <c>int SHA*_Update(SHA*_CTX *c, const void *data, size_t len)</c>.</summary>
    public delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int> Update { get; }

    /// <summary>Gets <c>int SHA*_Final(unsigned char *md, SHA*_CTX *c)</c>.</summary>
    public delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int> Final { get; }

    /// <summary>Gets <c>void SHA*_Transform(SHA*_CTX *c, const unsigned char *data)</c>: one compression of one block.</summary>
    public delegate* unmanaged[SuppressGCTransition]<byte*, byte*, void> Transform { get; }
}
