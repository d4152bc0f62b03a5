"""Shared helpers for the XAI-CLIP training scripts (data I/O that mirrors the TypeScript
runtime's voxel order and preprocessing, the CHAOS/TotalSegmentator datasets, model blocks)."""
