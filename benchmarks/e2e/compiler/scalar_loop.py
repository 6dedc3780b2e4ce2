s = 0
for i in range(1, 1000001):
    s = s + i * 0.5
print(s)
