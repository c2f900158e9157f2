package org.loket.chat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.loket.core.Channel;

/** The work items' keys stay bounded: ended ones go after the window, and beyond the cap the oldest end first. */
class WorkItemIdsTest {
    private static final int EMAIL = Channel.EMAIL.code();

    @Test
    void shouldKnowALiveItemUntilAWeekAfterItEnded() {
        WorkItemIds ids = new WorkItemIds();
        assertThat(ids.find(Channel.EMAIL, "mail-1", 0)).isEqualTo(-1);
        ids.live(EMAIL, "mail-1", 11);
        assertThat(ids.find(Channel.EMAIL, "mail-1", 0)).isEqualTo(11);
        assertThat(ids.find(Channel.SOCIAL, "mail-1", 0)).as("another channel").isEqualTo(-1);
        ids.ended(EMAIL, "mail-1", 11, 1_000);
        assertThat(ids.liveCount()).isZero();
        assertThat(ids.find(Channel.EMAIL, "mail-1", 1_000 + WorkItemIds.ENDED_KEEP_MS - 1)).isEqualTo(11);
        assertThat(ids.find(Channel.EMAIL, "mail-1", 1_000 + WorkItemIds.ENDED_KEEP_MS)).isEqualTo(-1);
        assertThat(ids.endedCount()).as("forgotten, not only hidden").isZero();
    }

    @Test
    void shouldKeepAtMostTheCapOfEndedItemsDroppingTheOldestEnd() {
        WorkItemIds ids = new WorkItemIds(3);
        for (int i = 1; i <= 5; i++) {
            ids.live(EMAIL, "mail-" + i, i);
        }
        for (int i = 1; i <= 5; i++) {
            ids.ended(EMAIL, "mail-" + i, i, i);
        }
        assertThat(ids.endedCount()).isEqualTo(3);
        assertThat(ids.find(Channel.EMAIL, "mail-2", 10)).isEqualTo(-1);
        assertThat(ids.find(Channel.EMAIL, "mail-3", 10)).isEqualTo(3);
    }

    @Test
    void shouldIgnoreTheEndOfAnItemThatIsNoLongerTheKeysLiveOne() {
        WorkItemIds ids = new WorkItemIds();
        ids.live(EMAIL, "mail-1", 12); // the key was taken again after the window
        ids.ended(EMAIL, "mail-1", 11, 5);
        assertThat(ids.find(Channel.EMAIL, "mail-1", 5)).isEqualTo(12);
        assertThat(ids.liveCount()).isEqualTo(1);
    }
}
