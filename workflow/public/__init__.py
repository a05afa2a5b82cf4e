"""Public consultation (向社会公开征求意见): the same round, the same decision queue, comments from anyone.

Opening (``consultations``), intake without an account (``intake``), moderation, grouping of identical
and near-identical comments (``similarity``, ``grouping``), one decision per group (``decisions``), the
published feedback and receipt look-up (``feedback``), contact purging (``purge``) and exports.
"""
