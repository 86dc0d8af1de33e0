namespace Dedup.Detection;

/// <summary>Clusters of a live detector, maintained incrementally once asked for.</summary>
public sealed partial class CopyDetector
{
    /// <summary>Null until <see cref="ClusterOf"/> is first called; from then on kept up to date by every add and removal, under the write lock.</summary>
    private ClusterIndex? _clusterIndex;

    /// <summary>Whether the detector keeps clusters now (asked for by <see cref="ClusterOf"/>, or restored from a snapshot): for tests.</summary>
    internal bool KeepsClustersForTests => Volatile.Read(ref _clusterIndex) is not null;

    /// <summary>How many verdicts the incremental clusters took from the query of the same article instead of verifying again (for tests).</summary>
    internal long ReusedVerdicts { get; private set; }

    /// <summary>
    /// The cluster of the indexed article <paramref name="id"/> (itself alone when it has no copies), or null when no
    /// such article is indexed. Answers in time proportional to the cluster, not the index.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Clusters are maintained as articles are added: each added article is verified against the indexed articles its
    /// keys propose, under the boilerplate model of that moment, and joins the clusters it matches (in a cluster of more
    /// than <see cref="PairFinder.LargeCluster"/> articles, one match suffices). Removing an article splits its cluster
    /// where the remaining matches no longer connect it. The first call clusters the articles already indexed, once
    /// (the time of a scan's verification of them, under the write lock); from then on the detector keeps its clusters,
    /// and so does its snapshot (<see cref="Save"/>, <see cref="Checkpoint"/>): a detector loaded or opened from it
    /// answers its first call at once. (Loaded with another threshold or boilerplate frequency, it clusters again.)
    /// </para>
    /// <para>
    /// <see cref="Clusters"/> recomputes every cluster from scratch with the current model, as a batch scan does; the
    /// two agree except where the boilerplate model changed a verdict since an article was added.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
    /// <exception cref="NotSupportedException">The index lives in a shared store, whose clusters no detector keeps; or the bucket store has no synchronous access (use <see cref="Clusters"/>).</exception>
    /// <exception cref="ObjectDisposedException">The detector was disposed.</exception>
    public CopyCluster? ClusterOf(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        ThrowIfShared(nameof(ClusterOf), "group the copies FindOrAddAsync reports");
        if (!_store.SupportsSynchronousAccess)
        {
            // Kept clusters verify each added article through the store's synchronous access; the asynchronous adds
            // would join none (every article its own cluster, silently).
            throw new NotSupportedException("ClusterOf keeps clusters through the bucket store's synchronous access, which this store has not; use Clusters(), which recomputes them from the indexed articles.");
        }

        if (Volatile.Read(ref _clusterIndex) is null)
        {
            StartClusterIndex();
        }

        EnterReadLock();
        try
        {
            if (!_registry.TryGetSlot(id, out int slot))
            {
                return null;
            }

            return _clusterIndex!.Describe(slot);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Clusters the indexed articles in the order they were added, and keeps doing so from now on.</summary>
    private void StartClusterIndex()
    {
        BoilerplateModel boilerplate = CurrentBoilerplate();
        EnterWriteLock();
        try
        {
            if (_clusterIndex is not null)
            {
                return;
            }

            var index = new ClusterIndex();
            foreach (ArticleFeatures f in IndexedLocked())
            {
                LinkLocked(index, SlotOf(f.Id), f, boilerplate);
            }

            Volatile.Write(ref _clusterIndex, index);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>After an insert (under the write lock): joins the new article to the clusters it matches.</summary>
    private void ClusterInsertedLocked(int slot, ArticleFeatures f, Probe? known)
    {
        if (_clusterIndex is { } index)
        {
            LinkLocked(index, slot, f, _boilerplate.Model, known);
        }
    }

    /// <summary>After a removal (under the write lock).</summary>
    private int SlotOf(string id) =>
        _registry.TryGetSlot(id, out int slot) ? slot : throw new InvalidOperationException($"The article '{id}' is not indexed.");

    private void ClusterRemovedLocked(int slot)
    {
        if (_clusterIndex is not { } index)
        {
            return;
        }

        (List<List<int>> parts, List<int> neighbours) = index.Remove(slot);
        if (parts.Count > 1)
        {
            ReconnectLocked(index, parts, neighbours);
        }
    }

    /// <summary>
    /// After a removal split a cluster (under the write lock): each member the removed article had matched, in a part
    /// apart from the largest, is verified again against the members of the old cluster its candidates propose that are
    /// now in other parts, by the rules of <see cref="LinkLocked"/>, until its part joins the largest. In a cluster of more
    /// than <see cref="PairFinder.LargeCluster"/> articles each new member was linked to one match, mostly the original:
    /// removing it left the rest apart, where <see cref="Clusters"/> and a scan, which verify every pair's candidates,
    /// keep them together. The work is the removed article's matches' candidates, not the index.
    /// </summary>
    private void ReconnectLocked(ClusterIndex index, List<List<int>> parts, List<int> neighbours)
    {
        var oldCluster = new HashSet<int>();
        List<int> largest = parts[0];
        foreach (List<int> part in parts)
        {
            oldCluster.UnionWith(part);
            largest = part.Count > largest.Count ? part : largest;
        }

        BoilerplateModel boilerplate = _boilerplate.Model;
        int anchor = largest[0];
        foreach (int n in neighbours)
        {
            if (index.Root(n) == index.Root(anchor) || _registry[n] is not { } f)
            {
                continue;
            }

            Probe q = NewProbe(f, boilerplate);
            CandidateSelector selector = CandidateSelector.ForThread();
            selector.PreferNear(f.SimHash, FingerprintLookup);
            selector.OfferAll(_store, q.Keys, int.MaxValue, n);
            selector.Finish(EarliestSlot);
            // Whether n's part has joined the largest, after verifying c when it is in another part of the old cluster.
            bool Joined(int c)
            {
                if (IsCopyLocked(q, f, c, boilerplate))
                {
                    index.Link(n, c);
                }

                return index.Root(n) == index.Root(anchor);
            }

            bool InAnotherPart(int c) => oldCluster.Contains(c) && index.Root(c) != index.Root(n);
            if (selector.Rare.Any(c => InAnotherPart(c) && Joined(c)))
            {
                continue;
            }

            _ = selector.Common.Where(InAnotherPart).Take(CandidateSelector.MaxCommonVerified).Any(Joined);
        }
    }

    /// <summary>Whether the indexed article in <paramref name="slot"/> and the probe's are copies at the detector's threshold.</summary>
    private bool IsCopyLocked(Probe q, ArticleFeatures f, int slot, BoilerplateModel boilerplate)
    {
        ArticleFeatures other = _registry[slot]!;
        return Verifier.Verify(boilerplate.View(other), q.View, f.ExactHash == other.ExactHash, Options.Threshold, out _) is not null;
    }

    /// <summary>
    /// Verifies an article against the clustered articles its keys propose, by the rules of the one candidate index
    /// (as a scan does: rare keys' holders earliest first, then at most <see cref="CandidateSelector.MaxCommonVerified"/>
    /// proposed by common keys alone), and adds it to the index. A candidate that <paramref name="known"/> (the query
    /// of the same features under the same model) verified is not verified again: whether a pair is a copy does not
    /// depend on which of the two is the query.
    /// </summary>
    private void LinkLocked(ClusterIndex index, int slot, ArticleFeatures f, BoilerplateModel boilerplate, Probe? known = null)
    {
        Dictionary<ArticleFeatures, bool>? knownVerdicts =
            known is not null && ReferenceEquals(known.Features, f) && ReferenceEquals(known.Boilerplate, boilerplate) ? known.Verified : null;
        Probe q = knownVerdicts is not null ? known! : NewProbe(f, boilerplate);
        ulong[] keys = q.Keys;
        CandidateSelector selector = CandidateSelector.ForThread();
        selector.PreferNear(f.SimHash, FingerprintLookup);
        selector.OfferAll(_store, keys, int.MaxValue, slot);
        selector.Finish(EarliestSlot);
        var matches = new List<int>();
        var matchedRoots = new List<int>();
        bool Try(int c)
        {
            ArticleFeatures other = _registry[c]!;
            if (knownVerdicts is not null && knownVerdicts.TryGetValue(other, out bool copy))
            {
                ReusedVerdicts++;
                if (copy)
                {
                    matches.Add(c);
                }

                return copy;
            }

            if (!IsCopyLocked(q, f, c, boilerplate))
            {
                return false;
            }

            matches.Add(c);
            return true;
        }

        foreach (int c in selector.Rare)
        {
            if (!index.Contains(c))
            {
                continue;
            }

            int root = index.Root(c);
            if (index.SizeOf(root) > PairFinder.LargeCluster && matchedRoots.Contains(root))
            {
                continue;
            }

            if (Try(c))
            {
                matchedRoots.Add(root);
            }
        }

        int verified = 0;
        foreach (int c in selector.Common)
        {
            if (verified == CandidateSelector.MaxCommonVerified)
            {
                break;
            }

            if (!index.Contains(c))
            {
                continue;
            }

            int root = index.Root(c);
            if (matchedRoots.Contains(root))
            {
                continue;
            }

            verified++;
            if (Try(c))
            {
                matchedRoots.Add(root);
            }
        }

        index.Add(slot, ClusterMember.Of(f), matches);
    }
}
