(define (problem blockworld-2)
  (:domain blockworld)
  (:objects b1 b2 b3 b4)
  (:init
    (arm-empty)
    (on-table b3)
    (on b2 b3)
    (on b1 b2)
    (clear b1)
    (on-table b4)
    (clear b4))
  (:goal (and
    (on b4 b1)
    (on b2 b4))))
