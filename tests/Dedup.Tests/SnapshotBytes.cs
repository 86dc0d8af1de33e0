namespace Dedup.Tests;

/// <summary>A detector's snapshot in memory.</summary>
internal static class SnapshotBytes
{
    /// <summary>What <see cref="Dedup.Detection.CopyDetector.Save(Stream)"/> writes, as an array.</summary>
    public static byte[] Of(Dedup.Detection.CopyDetector detector)
    {
        using var stream = new MemoryStream();
        detector.Save(stream);
        return stream.ToArray();
    }

    /// <summary>The snapshot's id (bytes 12 to 20 from format version 7 on).</summary>
    public static ulong IdOf(byte[] snapshot) => System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(snapshot.AsSpan(12));

    /// <summary>The snapshot with its id set to <paramref name="id"/> and its checksum made again.</summary>
    public static byte[] WithId(byte[] snapshot, ulong id)
    {
        byte[] bytes = (byte[])snapshot.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(12), id);
        return Sealed(bytes);
    }

    /// <summary>
    /// The offset of the threshold in a snapshot of format 7 or later: 48, after the fixed header, before format 9;
    /// from format 9 past the detector flags, the stopword list and the boilerplate rules that follow the header.
    /// </summary>
    public static int ThresholdOffset(byte[] snapshot)
    {
        if (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(snapshot.AsSpan(8)) < 9)
        {
            return 48;
        }

        int at = 48 + 4;
        at = SkipList(snapshot, at);
        at += 4;
        at = SkipList(snapshot, at);
        return SkipList(snapshot, at);

        static int SkipList(byte[] bytes, int at)
        {
            uint count = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));
            at += 4;
            for (uint i = 0; i < count; i++)
            {
                at += 4 + checked((int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)));
            }

            return at;
        }
    }

    /// <summary>A version 9 snapshot as version 8 wrote it: no detector flags, stopword list or boilerplate rules after the header, checksum made again; an older one as it is.</summary>
    public static byte[] AsVersion8(byte[] snapshot)
    {
        if (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(snapshot.AsSpan(8)) < 9)
        {
            return snapshot;
        }

        byte[] v8 = [.. snapshot.AsSpan(0, 48), .. snapshot.AsSpan(ThresholdOffset(snapshot))];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(v8.AsSpan(8), 8);
        return Sealed(v8);
    }

    /// <summary>
    /// A version 9 or 8 snapshot as version 7 wrote it: no indexed times (the article count's u64 at byte 68 of version
    /// 8, one u64 an article before the checksum), checksum made again; a version 7 one as it is.
    /// </summary>
    public static byte[] AsVersion7(byte[] snapshot)
    {
        snapshot = AsVersion8(snapshot);
        if (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(snapshot.AsSpan(8)) == 7)
        {
            return snapshot;
        }

        int count = checked((int)System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(snapshot.AsSpan(68)));
        int times = snapshot.Length - 8 - (8 * count);
        byte[] v7 = [.. snapshot.AsSpan(0, times), .. snapshot.AsSpan(snapshot.Length - 8)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(v7.AsSpan(8), 7);
        return Sealed(v7);
    }

    /// <summary>A version 8 (or 7) snapshot as version 6 wrote it: no indexed times and no id after the version, checksum made again.</summary>
    public static byte[] AsVersion6(byte[] snapshot)
    {
        snapshot = AsVersion7(snapshot);
        byte[] v6 = [.. snapshot.AsSpan(0, 12), .. snapshot.AsSpan(20)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(v6.AsSpan(8), 6);
        return Sealed(v6);
    }

    /// <summary>A version 6 (or later) snapshot as version 5 wrote it: no tokenizer flags (the u32 at byte 36 of version 6), checksum made again.</summary>
    public static byte[] AsVersion5(byte[] snapshot)
    {
        snapshot = AsVersion6(snapshot);
        byte[] v5 = [.. snapshot.AsSpan(0, 36), .. snapshot.AsSpan(40)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(v5.AsSpan(8), 5);
        return Sealed(v5);
    }

    /// <summary>The bytes with their last 8 replaced by the XxHash64 of the rest, as a snapshot ends.</summary>
    public static byte[] Sealed(byte[] bytes)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), System.IO.Hashing.XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)));
        return bytes;
    }
}
