namespace Dedup.Indexing;

public sealed partial class MinHashLshIndex
{
    /// <summary>Adds a document, or replaces the signature of an existing key, through the store's batch path.</summary>
    /// <param name="key">The document key.</param>
    /// <param name="signature">The document's MinHash signature: exactly K values.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the key was new; <see langword="false"/> when it replaced one.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The signature length is not K.</exception>
    /// <remarks>With a synchronous store this runs <see cref="Add(string, ReadOnlySpan{uint})"/> and completes synchronously.</remarks>
    public async ValueTask<bool> AddAsync(string key, ReadOnlyMemory<uint> signature, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ValidateSignature(signature.Span, nameof(signature));
        return await AddRangeAsync(new[] { key }, signature, cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Adds many documents with one store batch; a repeated key is replaced by its later signature.</summary>
    /// <param name="keys">The document keys.</param>
    /// <param name="signatures">The signatures, concatenated: <c>keys.Length × K</c> values.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The number of keys that were new.</returns>
    /// <exception cref="ArgumentNullException">A key is <see langword="null"/> (nothing is added).</exception>
    /// <exception cref="ArgumentException"><paramref name="signatures"/> is not <c>keys.Length × K</c> long.</exception>
    /// <remarks>
    /// With a synchronous store this runs <see cref="AddRange"/>. With an asynchronous one, the previous bucket
    /// entries of replaced keys are removed in one batch and the new entries added in another; the documents
    /// become findable when the returned task completes. If the store fails, the call throws and the documents
    /// may be present but not findable until added again.
    /// </remarks>
    public ValueTask<int> AddRangeAsync(ReadOnlyMemory<string> keys, ReadOnlyMemory<uint> signatures, CancellationToken cancellationToken = default)
    {
        ValidateBatch(keys.Span, signatures.Length, nameof(signatures));
        if (_store.SupportsSynchronousAccess)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(AddRange(keys.Span, signatures.Span));
        }

        return AddRangeThroughStoreAsync(keys, signatures, cancellationToken);
    }

    /// <summary>Removes a document through the store's batch path.</summary>
    /// <param name="key">The document key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when it was present.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// The document stops being returned by queries as soon as the removal starts, even before the store has
    /// dropped its bucket entries. With a synchronous store this runs <see cref="Remove"/>.
    /// </remarks>
    public ValueTask<bool> RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_store.SupportsSynchronousAccess)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Remove(key));
        }

        return RemoveThroughStoreAsync(key, cancellationToken);
    }

    /// <summary>
    /// Finds the documents sharing at least one band with <paramref name="signature"/>, with their estimated
    /// Jaccard similarity, most similar first, asking the store for all bands in one batch.
    /// </summary>
    /// <param name="signature">The query signature: exactly K values.</param>
    /// <param name="minJaccard">Candidates estimated below this similarity are left out.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The candidates, each once.</returns>
    /// <exception cref="ArgumentException">The signature length is not K.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minJaccard"/> is not in [0, 1].</exception>
    public ValueTask<IReadOnlyList<MinHashCandidate>> QueryAsync(ReadOnlyMemory<uint> signature, double minJaccard = 0.0, CancellationToken cancellationToken = default)
    {
        ValidateSignature(signature.Span, nameof(signature));
        ValidateMinJaccard(minJaccard);
        if (_store.SupportsSynchronousAccess)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Query(signature.Span, minJaccard));
        }

        return QueryThroughStoreAsync(signature, minJaccard, cancellationToken);
    }

    private async ValueTask<int> AddRangeThroughStoreAsync(ReadOnlyMemory<string> keys, ReadOnlyMemory<uint> signatures, CancellationToken cancellationToken)
    {
        // Compute band keys before taking any lock.
        int n = keys.Length;
        ulong[] bandKeys = new ulong[(long)n * _bands];
        for (int i = 0; i < n; i++)
        {
            SignatureMath.ComputeBandKeys(signatures.Span.Slice(i * _k, _k), _bands, _rows, bandKeys.AsSpan(i * _bands, _bands));
        }

        await _asyncWriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var additions = new List<LshBucketEntry>(n * _bands);
            var removals = new List<LshBucketEntry>();
            var retired = new List<int>();
            int added = 0;
            _lock.EnterWriteLock();
            try
            {
                // Within the batch, the last occurrence of a key wins; earlier ones are skipped.
                Dictionary<string, int>? last = null;
                if (n > 1)
                {
                    last = new Dictionary<string, int>(n, StringComparer.Ordinal);
                    for (int i = 0; i < n; i++)
                    {
                        last[keys.Span[i]] = i;
                    }
                }

                var entries = new LshBucketEntry[_bands];
                for (int i = 0; i < n; i++)
                {
                    string key = keys.Span[i];
                    if (last is not null && last[key] != i)
                    {
                        continue;
                    }

                    if (_slots.Retire(key, out int oldId))
                    {
                        // Retire the old id: queries skip it now; it is reused only after its entries are gone.
                        EntriesOf(oldId, entries);
                        removals.AddRange(entries);
                        retired.Add(oldId);
                    }
                    else
                    {
                        added++;
                    }

                    int id = _slots.Add(key);
                    EnsureSegment(id);
                    signatures.Span.Slice(i * _k, _k).CopyTo(SignatureOf(id));
                    for (int b = 0; b < _bands; b++)
                    {
                        additions.Add(new LshBucketEntry(bandKeys[(i * _bands) + b], id));
                    }
                }
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            if (removals.Count > 0)
            {
                await _store.RemoveAsync(removals.ToArray(), cancellationToken).ConfigureAwait(false);
                FreeIdsLocked(retired);
            }

            await _store.AddAsync(additions.ToArray(), cancellationToken).ConfigureAwait(false);
            return added;
        }
        finally
        {
            _asyncWriteGate.Release();
        }
    }

    private async ValueTask<bool> RemoveThroughStoreAsync(string key, CancellationToken cancellationToken)
    {
        await _asyncWriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entries = new LshBucketEntry[_bands];
            int id;
            _lock.EnterWriteLock();
            try
            {
                if (!_slots.Retire(key, out id))
                {
                    return false;
                }

                EntriesOf(id, entries);
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            await _store.RemoveAsync(entries, cancellationToken).ConfigureAwait(false);
            FreeIdsLocked([id]);
            return true;
        }
        finally
        {
            _asyncWriteGate.Release();
        }
    }

    private async ValueTask<IReadOnlyList<MinHashCandidate>> QueryThroughStoreAsync(ReadOnlyMemory<uint> signature, double minJaccard, CancellationToken cancellationToken)
    {
        ulong[] bandKeys = new ulong[_bands];
        SignatureMath.ComputeBandKeys(signature.Span, _bands, _rows, bandKeys);
        int[][] buckets = await _store.QueryAsync(bandKeys, cancellationToken).ConfigureAwait(false);
        int total = 0;
        foreach (int[] bucket in buckets)
        {
            total += bucket.Length;
        }

        int[] ids = new int[total];
        int offset = 0;
        foreach (int[] bucket in buckets)
        {
            bucket.CopyTo(ids, offset);
            offset += bucket.Length;
        }

        _lock.EnterReadLock();
        try
        {
            return ResolveLocked(signature.Span, ids, minJaccard);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private void FreeIdsLocked(IEnumerable<int> ids)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (int id in ids)
            {
                _slots.Release(id);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }
}
