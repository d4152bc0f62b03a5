/** What to explain: one slice, the slab of slices the ROI covers, or every slice. */
export type Scope = 'slice' | 'slab' | 'volume';
